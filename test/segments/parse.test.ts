// The segment query language: its syntax tree, and errors that say what is wrong and where.
import { describe, expect, it } from "vitest";
import { segment, type SegmentEnv } from "../../worker/segments/check";
import { parseSegment, SegmentError, type SegmentNode } from "../../worker/segments/parse";

/** The tree without positions, written compactly: ["and", ...], ["not", x], "age >= 18". */
function shape(node: SegmentNode): unknown {
  switch (node.kind) {
    case "and":
    case "or":
      return [node.kind, ...node.children.map(shape)];
    case "not":
      return ["not", shape(node.child)];
    case "condition":
      return `${node.name} ${node.operator} ${JSON.stringify(node.value)}`;
  }
}

/** The error a query gets, with the text it points at. */
function failure(query: string, env?: SegmentEnv) {
  try {
    if (env) segment(query, env);
    else parseSegment(query);
  } catch (e) {
    if (!(e instanceof SegmentError)) throw e;
    return { message: e.message, start: e.start, end: e.end, at: query.slice(e.start, e.end) };
  }
  throw new Error(`${query} has no error`);
}

describe("parseSegment", () => {
  it("parses conditions with quoted and unquoted values", () => {
    expect(shape(parseSegment('age >= 18 AND district = "Gasabo"'))).toEqual(["and", 'age >= "18"', 'district = "Gasabo"']);
    expect(shape(parseSegment("tel = +250788123123"))).toEqual('tel = "+250788123123"');
    expect(shape(parseSegment("created_on>2024-01-01"))).toEqual('created_on > "2024-01-01"');
    expect(shape(parseSegment('name ~ "Ann Marie"'))).toEqual('name ~ "Ann Marie"');
    expect(shape(parseSegment('note = "say \\"hi\\" \\\\ bye"'))).toEqual('note = "say \\"hi\\" \\\\ bye"');
    expect(shape(parseSegment('district != ""'))).toEqual('district != ""');
    expect(shape(parseSegment("fields.age <= 3.5"))).toEqual('fields.age <= "3.5"');
  });

  it("binds AND tighter than OR, honours parentheses and NOT, with keywords in any case", () => {
    expect(shape(parseSegment("a = 1 OR b = 2 AND c = 3"))).toEqual(["or", 'a = "1"', ["and", 'b = "2"', 'c = "3"']]);
    expect(shape(parseSegment("(a = 1 or b = 2) And not c = 3"))).toEqual(["and", ["or", 'a = "1"', 'b = "2"'], ["not", 'c = "3"']]);
    expect(shape(parseSegment("NOT NOT (a = 1)"))).toEqual(["not", ["not", 'a = "1"']]);
    expect(shape(parseSegment("a = 1 AND b = 2 AND c = 3"))).toEqual(["and", 'a = "1"', 'b = "2"', 'c = "3"']);
    // a keyword in a value's place is a value
    expect(shape(parseSegment("a = and"))).toEqual('a = "and"');
  });

  it("records where each part is", () => {
    const tree = parseSegment('x = 1 AND  name ~ "ann"');
    if (tree.kind !== "and" || tree.children[1].kind !== "condition") throw new Error("unexpected tree");
    const c = tree.children[1];
    expect([c.start, c.end, c.nameSpan, c.operatorSpan, c.valueSpan]).toEqual([11, 23, { start: 11, end: 15 }, { start: 16, end: 17 }, { start: 18, end: 23 }]);
  });

  it("reports syntax errors with their position", () => {
    expect(failure("")).toEqual({ message: "the query is empty", start: 0, end: 0, at: "" });
    expect(failure("age >= ")).toMatchObject({ message: "expected a value after 'age >=', found the end of the query", start: 7 });
    expect(failure("age 18")).toMatchObject({ message: "expected an operator (= != ~ < <= > >=) after 'age', found '18'", at: "18" });
    expect(failure('name = "ann')).toMatchObject({ message: "unclosed quote", start: 7, at: '"ann' });
    expect(failure("age == 18")).toMatchObject({ message: "unknown operator '==' (use one of = != ~ < <= > >=)", at: "==" });
    expect(failure("(age > 1 OR x = 2")).toMatchObject({ message: "missing ')' for the '(' at position 0, found the end of the query", start: 17 });
    expect(failure("age > 1)")).toMatchObject({ message: "unexpected ')' with no '(' before it", start: 7, at: ")" });
    expect(failure("age > 1 district = x")).toMatchObject({ message: "expected AND or OR before 'district'", at: "district" });
    expect(failure("= 5")).toMatchObject({ message: "expected a field or attribute name, found '='", start: 0 });
    expect(failure("age > 1 AND AND x = 1")).toMatchObject({ message: "expected a field or attribute name, found 'AND'", start: 12 });
    expect(failure('"age" = 1')).toMatchObject({ message: 'expected a field or attribute name, found "age"', at: '"age"' });
    expect(failure("age > (1)")).toMatchObject({ message: "expected a value after 'age >', found '('", start: 6 });
    expect(failure("(".repeat(30) + "a = 1" + ")".repeat(30)).message).toBe("the query nests deeper than 20 levels");
  });
});

describe("segment: names, operators and values checked against the fields' types", () => {
  const env: SegmentEnv = {
    fields: [
      { key: "age", name: "Age", type: "number" },
      { key: "district", name: "District", type: "district" },
      { key: "note", name: "Note", type: "text" },
      { key: "dob", name: "Date of birth", type: "datetime" },
    ],
    groups: ["Farmers", "Mothers"],
    dateFormat: "DD-MM-YYYY",
  };

  it("accepts well-typed queries", () => {
    for (const q of [
      'age >= 18 AND district = "Gasabo"',
      'name ~ "ann"',
      'language = "eng"',
      "tel = +250788123123",
      "urn ~ 0788",
      'group = "farmers"',
      "created_on > 2024-01-01",
      "dob <= 31-12-2000",
      'district != ""',
      'age = ""',
      "STATUS = Blocked",
      'note ~ maize OR last_seen_on = ""',
      "fields.age != 3",
    ])
      expect(() => segment(q, env), q).not.toThrow();
  });

  it("names unknown fields and groups, suggesting the closest", () => {
    expect(failure("agee > 18", env)).toEqual({ message: "unknown field 'agee' (did you mean 'age'?)", start: 0, end: 4, at: "agee" });
    expect(failure("age = 1 AND distrct = Gasabo", env)).toMatchObject({ message: "unknown field 'distrct' (did you mean 'district'?)", at: "distrct" });
    expect(failure("favourite_colour = red", env)).toMatchObject({ message: "unknown field 'favourite_colour'" });
    expect(failure("fields.name = x", env)).toMatchObject({ message: "unknown field 'fields.name'" });
    expect(failure("fields.agee = 1", env)).toMatchObject({ message: "unknown field 'fields.agee' (did you mean 'fields.age'?)" });
    expect(failure('group = "Farmer"', env)).toMatchObject({ message: "unknown group 'Farmer' (did you mean 'Farmers'?)", at: '"Farmer"' });
    expect(failure('group = ""', env)).toMatchObject({ message: "group needs a group name" });
  });

  it("rejects operators the type has not", () => {
    expect(failure("district > 5", env)).toMatchObject({ message: "can't compare district field 'district' with > (use = !=)", start: 9, at: ">" });
    expect(failure("note >= b", env)).toMatchObject({ message: "can't compare text field 'note' with >= (use = != ~)", at: ">=" });
    expect(failure("age ~ 1", env)).toMatchObject({ message: "can't compare number field 'age' with ~ (use = != < <= > >=)" });
    expect(failure("name < b", env)).toMatchObject({ message: "can't compare 'name' with < (use = != ~)" });
    expect(failure("group ~ Farm", env)).toMatchObject({ message: "can't compare 'group' with ~ (use = !=)" });
  });

  it("rejects values that are not of the type", () => {
    expect(failure("age = abc", env)).toEqual({ message: "'abc' is not a number for field 'age'", start: 6, end: 9, at: "abc" });
    expect(failure("age > 1e3", env)).toMatchObject({ message: "'1e3' is not a number for field 'age'" });
    expect(failure("dob > 31-02-2024", env)).toMatchObject({ message: "'31-02-2024' is not a date for field 'dob' (write it as DD-MM-YYYY or YYYY-MM-DD)", at: "31-02-2024" });
    expect(failure("created_on > yesterday", { ...env, dateFormat: undefined })).toMatchObject({
      message: "'yesterday' is not a date for 'created_on' (write it as YYYY-MM-DD)",
    });
    expect(failure("status = actve", env)).toMatchObject({ message: "'actve' is not a contact status (active, blocked, stopped, archived) (did you mean 'active'?)" });
    expect(failure('age > ""', env)).toMatchObject({ message: "> needs a value to compare with", at: '""' });
    expect(failure('name ~ ""', env)).toMatchObject({ message: "~ needs a value to compare with" });
  });
});
