import { describe, expect, it } from "vitest";
import {
  XArray,
  XObject,
  defaultEnvironment,
  evaluateExpression,
  evaluateTemplate,
  evaluateTemplateValue,
  fromJSON,
  isError,
  toJSON,
  urlEncode,
} from "../../durable/engine/excellent";

const env = { ...defaultEnvironment(() => 1523471070123456000n), timezone: "America/Guayaquil", date_format: "DD-MM-YYYY" };
const context = fromJSON({
  contact: {
    __default__: "Ryan Lewis",
    name: "Ryan Lewis",
    first_name: "Ryan",
    urns: ["tel:+12065551212"],
    fields: { age: 23, nickname: null },
  },
  results: { color: { __default__: "red", value: "red", category: "Red" } },
  input: { __default__: "Hi there", text: "Hi there" },
}) as XObject;
const render = (t: string) => evaluateTemplate(t, context, env);

describe("Excellent templates", () => {
  it("renders context references and expressions", () => {
    expect(render("Hi @contact.first_name, you are @(contact.fields.age + 1)!")).toEqual({
      output: "Hi Ryan, you are 24!",
      errors: [],
    });
  });

  it("renders an object as its __default__", () => {
    expect(render("@contact / @results.color / @(upper(contact))").output).toBe("Ryan Lewis / red / RYAN LEWIS");
  });

  it("renders objects without a default with sorted keys, and arrays in brackets", () => {
    expect(render("@contact.fields").output).toBe("{age: 23, nickname: }");
    expect(render("@contact.urns").output).toBe("[tel:+12065551212]");
  });

  it("unescapes @@ and leaves an @ before unknown names as text", () => {
    expect(render("@@contact.name").output).toBe("@contact.name");
    expect(render("mail me at ryan@nyaruka.com or @ 5pm @").output).toBe("mail me at ryan@nyaruka.com or @ 5pm @");
  });

  it("leaves a sentence-ending period out of an identifier", () => {
    expect(render("Thanks @contact.first_name.").output).toBe("Thanks Ryan.");
  });

  it("renders a missing key empty and reports it", () => {
    const { output, errors } = render("[@contact.nope]");
    expect(output).toBe("[]");
    expect(errors).toEqual(["error evaluating @contact.nope: object has no property 'nope'"]);
  });

  it("collects errors from every failing expression instead of throwing", () => {
    const { output, errors } = render("@(1 / 0) and @(foo(1)) and @(1 +)");
    expect(output).toBe(" and  and ");
    expect(errors).toHaveLength(3);
    expect(errors[0]).toContain("division by zero");
  });

  it("keeps an unclosed @( as text", () => {
    expect(render("@(upper(contact.name)").output).toBe("@(upper(contact.name)");
  });

  it("does not end an expression at a parenthesis inside text", () => {
    expect(render('@(upper("a)b")) done').output).toBe("A)B done");
  });

  it("decides what is an identifier per context, though templates are cached", () => {
    const other = fromJSON({ bar: { com: "X" } }) as XObject;
    expect(evaluateTemplate("foo@bar.com", context, env).output).toBe("foo@bar.com");
    expect(evaluateTemplate("foo@bar.com", other, env).output).toBe("fooX");
  });

  it("applies an escaping function to expression output only", () => {
    expect(evaluateTemplate("https://x.io/?q=@contact.name&a=1", context, env, urlEncode).output).toBe(
      "https://x.io/?q=Ryan%20Lewis&a=1",
    );
  });

  it("keeps the type of a template that is a single expression", () => {
    const urns = evaluateTemplateValue(" @contact.urns ", context, env);
    expect(urns.value).toBeInstanceOf(XArray);
    expect(toJSON(urns.value)).toBe('["tel:+12065551212"]');
    expect(evaluateTemplateValue("@(contact.fields.age * 2)", context, env).value?.kind).toBe("number");
    expect(evaluateTemplateValue("@contact.fields.age years", context, env).value).toMatchObject({ kind: "text", value: "23 years" });
    const failed = evaluateTemplateValue("@(1 / 0)", context, env);
    expect(isError(failed.value)).toBe(true);
    expect(failed.errors).toHaveLength(1);
  });

  it("evaluates bare expressions", () => {
    expect(toJSON(evaluateExpression("results.color.category", context, env))).toBe('"Red"');
    expect(isError(evaluateExpression("results.size", context, env))).toBe(true);
  });

  it("serialises to JSON with sorted keys and no defaults", () => {
    expect(toJSON(evaluateExpression("contact", context, env))).toBe(
      '{"fields":{"age":23,"nickname":null},"first_name":"Ryan","name":"Ryan Lewis","urns":["tel:+12065551212"]}',
    );
  });
});
