import { ParseError, tokenize, unquote, type Token, type TokenType } from "./lexer";

export type BinaryOp = "^" | "*" | "/" | "+" | "-" | "&" | "=" | "!=" | "<" | "<=" | ">" | ">=";

export type Node =
  | { type: "text"; value: string }
  | { type: "number"; value: string }
  | { type: "boolean"; value: boolean }
  | { type: "null" }
  | { type: "ref"; name: string }
  | { type: "dot"; container: Node; key: string }
  | { type: "index"; container: Node; index: Node }
  | { type: "call"; callee: Node; args: Node[] }
  | { type: "lambda"; params: string[]; body: Node }
  | { type: "negate"; operand: Node }
  | { type: "binary"; op: BinaryOp; left: Node; right: Node };


/**
 * Binary operators by binding power, loosest first, as in goflow's grammar:
 * equality < comparison < concatenation < addition < multiplication < exponent < negation.
 */
const LEVELS: TokenType[][] = [["=", "!="], ["<", "<=", ">", ">="], ["&"], ["+", "-"], ["*", "/"], ["^"]];

/** Parses one Excellent expression (the inside of `@(...)`); throws ParseError. */
export function parseExpression(src: string): Node {
  return new Parser(tokenize(src)).parseAll();
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Node {
    const node = this.expression();
    const t = this.peek();
    if (t.type !== "eof") throw new ParseError(`unexpected '${t.text}' at ${t.pos}`);
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)];
  }

  private next(): Token {
    return this.tokens[this.i++];
  }

  private expect(type: TokenType): Token {
    const t = this.next();
    if (t.type !== type) throw new ParseError(t.type === "eof" ? `expected '${type}' but expression ended` : `expected '${type}' but found '${t.text}' at ${t.pos}`);
    return t;
  }

  private expression(): Node {
    return this.binary(0);
  }

  /** Binary operators are left-associative at every level. */
  private binary(level: number): Node {
    if (level === LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    while (LEVELS[level].includes(this.peek().type)) {
      const op = this.next().type as BinaryOp;
      const right = this.binary(level + 1);
      left = { type: "binary", op, left, right };
    }
    return left;
  }

  private unary(): Node {
    if (this.peek().type === "-") {
      this.next();
      return { type: "negate", operand: this.unary() };
    }
    return this.postfix();
  }

  private postfix(): Node {
    let node = this.primary();
    for (;;) {
      const t = this.peek();
      if (t.type === "(") {
        this.next();
        const args: Node[] = [];
        if (this.peek().type !== ")") {
          args.push(this.expression());
          while (this.peek().type === ",") {
            this.next();
            args.push(this.expression());
          }
        }
        this.expect(")");
        node = { type: "call", callee: node, args };
      } else if (t.type === "[") {
        this.next();
        const index = this.expression();
        this.expect("]");
        node = { type: "index", container: node, index };
      } else if (t.type === ".") {
        this.next();
        node = this.dotKeys(node);
      } else {
        return node;
      }
    }
  }

  /** After a dot: a name, a keyword used as a name, or digits (`urns.0`, and `a.1.2` lexed as a decimal). */
  private dotKeys(container: Node): Node {
    const t = this.next();
    if (t.type === "name" || t.type === "true" || t.type === "false" || t.type === "null") {
      return { type: "dot", container, key: t.text };
    }
    if (t.type === "number") {
      let node = container;
      for (const key of t.text.split(".")) node = { type: "dot", container: node, key };
      // a key like `2nd` lexes as a number followed directly by a name
      const after = this.peek();
      if (after.type === "name" && after.pos === t.pos + t.text.length && !t.text.includes(".")) {
        this.next();
        return { type: "dot", container, key: t.text + after.text };
      }
      return node;
    }
    throw new ParseError(t.type === "eof" ? "expected a property name but expression ended" : `unexpected '${t.text}' after '.' at ${t.pos}`);
  }

  private primary(): Node {
    const t = this.next();
    switch (t.type) {
      case "number":
        return { type: "number", value: t.text };
      case "text":
        return { type: "text", value: unquote(t.text) };
      case "true":
        return { type: "boolean", value: true };
      case "false":
        return { type: "boolean", value: false };
      case "null":
        return { type: "null" };
      case "name":
        return { type: "ref", name: t.text.toLowerCase() };
      case "(": {
        if (this.isLambda()) return this.lambda();
        const inner = this.expression();
        this.expect(")");
        return inner;
      }
      case "eof":
        throw new ParseError("unexpected end of expression");
      default:
        throw new ParseError(`unexpected '${t.text}' at ${t.pos}`);
    }
  }

  /** Just after `(`: is this `(a, b) => ...`? */
  private isLambda(): boolean {
    let j = 0;
    if (this.peek(j).type !== ")") {
      for (;;) {
        if (this.peek(j).type !== "name") return false;
        j++;
        if (this.peek(j).type !== ",") break;
        j++;
      }
    }
    return this.peek(j).type === ")" && this.peek(j + 1).type === "=>";
  }

  private lambda(): Node {
    const params: string[] = [];
    while (this.peek().type === "name") {
      params.push(this.next().text.toLowerCase());
      if (this.peek().type === ",") this.next();
    }
    this.expect(")");
    this.expect("=>");
    return { type: "lambda", params, body: this.expression() };
  }
}
