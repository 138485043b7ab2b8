import { describe, expect, it } from "vitest";
import { tokenize, unquote } from "../../durable/engine/excellent/lexer";
import { parseExpression } from "../../durable/engine/excellent/parser";
import { defaultEnvironment, evaluateExpression, fromJSON, toText, type XObject } from "../../durable/engine/excellent";

const env = defaultEnvironment(() => 1523471070123456000n);
const ctx = fromJSON({ a: { b: [10, 20, { c: "deep" }], "2nd": "second" }, n: 3 }) as XObject;
const run = (expr: string) => toText(evaluateExpression(expr, ctx, env), env);

describe("Excellent lexer", () => {
  it("reads numbers, text, names, keywords and operators", () => {
    expect(tokenize('foo.bar(1.5, "x") != TRUE').map((t) => t.type)).toEqual([
      "name", ".", "name", "(", "number", ",", "text", ")", "!=", "true", "eof",
    ]);
  });

  it("unquotes like Go's strconv.Unquote, keeping the text as written when that fails", () => {
    expect(unquote('"a\\"b"')).toBe('a"b');
    expect(unquote('"tab\\there"')).toBe("tab\there");
    expect(unquote('"\\u00e9"')).toBe("é");
    expect(unquote('"\\d+"')).toBe("\\d+");
  });

  it("rejects characters outside the language", () => {
    expect(() => tokenize("1 # 2")).toThrow(/unexpected character/);
  });
});

describe("Excellent parser", () => {
  it("gives operators goflow's precedence", () => {
    expect(run("1 + 2 * 3")).toBe("7");
    expect(run("(1 + 2) * 3")).toBe("9");
    expect(run("2 * 3 ^ 2")).toBe("18");
    expect(run("-2 ^ 2")).toBe("4");
    expect(run("10 - 4 - 3")).toBe("3");
    expect(run("12 / 2 / 3")).toBe("2");
    expect(run('1 + 1 & "x"')).toBe("2x");
    expect(run('"a" & "b" = "ab"')).toBe("true");
    expect(run("1 < 2 = 2 > 1")).toBe("true");
  });

  it("parses lookups by dot, by index and by number key", () => {
    expect(run("a.b[2].c")).toBe("deep");
    expect(run('a["b"][0]')).toBe("10");
    expect(run("a.b.1")).toBe("20");
    expect(run("a.b[-1].c")).toBe("deep");
    expect(run("a.2nd")).toBe("second");
  });

  it("parses anonymous functions with any number of parameters", () => {
    expect(parseExpression("(x, y) => x & y")).toMatchObject({ type: "lambda", params: ["x", "y"] });
    expect(run('foreach(array(1, 2), (x) => x * n)')).toBe("[3, 6]");
    expect(run('foreach(array("a"), (x, y) => x & y, "!")')).toBe("[a!]");
  });

  it("lowercases context names and keywords", () => {
    expect(run("N + 1")).toBe("4");
    expect(run("True")).toBe("true");
    expect(run("NULL")).toBe("");
  });

  it("reports syntax errors as error values", () => {
    for (const bad of ["1 +", "foo(", "a..b", "(1, 2)", '"open', "array(1 2)"]) {
      const v = evaluateExpression(bad, ctx, env);
      expect(v?.kind, bad).toBe("error");
    }
  });
});
