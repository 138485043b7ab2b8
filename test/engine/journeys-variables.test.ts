import { describe, expect, it } from "vitest";
import { loadFlow } from "../../durable/engine/flow/load";
import { assets, contact, engine, linearFlow, manual, ofType, texts, u } from "./engine-support";

const FLOW = "e1000000-0000-4000-8000-000000000000";
const ref = { uuid: FLOW, name: "Variables" };

const VARIABLES = [
  { name: "total", type: "decimal", default: "0" },
  { name: "items", type: "integer", default: "@(1 + 1)" },
  { name: "vip", type: "boolean", default: "false" },
  { name: "due", type: "date", default: "@(datetime_add(\"2025-05-04T10:00:00Z\", 3, \"D\"))" },
  { name: "seen", type: "datetime" },
  { name: "note", type: "text", default: "Hi @contact.first_name" },
  { name: "tags", type: "list", default: "@(array(\"a\", \"b\"))" },
];

function flow(actions: unknown[], variables: unknown[] = VARIABLES) {
  return linearFlow(FLOW, "Variables", [{ actions }], { variables });
}
const say = (text: string, n = 1) => ({ uuid: u(600 + n), type: "send_msg", text });
const update = (updates: { variable: string; value: string }[], n = 1) => ({ uuid: u(700 + n), type: "update_variables", updates });

async function run(actions: unknown[], variables?: unknown[], trigger: Record<string, unknown> = {}) {
  return engine().start(assets(flow(actions, variables)), { ...manual(ref, contact()), ...trigger });
}

describe("flow variables", () => {
  it("start with their defaults, typed, and show in @vars", async () => {
    const sprint = await run([say("@vars.total|@vars.items|@vars.vip|@vars.due|@vars.seen|@vars.note|@(join(vars.tags, \"+\"))")]);
    expect(texts(sprint.events)).toEqual(["0|2|false|2025-05-07||Hi Ben|a+b"]);
    expect(sprint.session.runs[0].variables).toEqual({ total: 0, items: 2, vip: false, due: "2025-05-07", seen: null, note: "Hi Ben", tags: ["a", "b"] });
    expect(ofType(sprint.events, "error")).toEqual([]);
  });

  it("keep their types in expressions: numbers add, dates move, booleans test", async () => {
    const sprint = await run([
      update([
        { variable: "total", value: "12.50" },
        { variable: "items", value: "@(vars.items + 3)" },
        { variable: "vip", value: "@(vars.total > 10)" },
        { variable: "seen", value: "2025-05-04T15:00:00Z" },
      ]),
      say("@(vars.total * 2) @vars.items @vars.vip @(datetime_add(vars.seen, 1, \"h\")) @(datetime_diff(vars.seen, vars.due, \"D\"))"),
    ]);
    expect(texts(sprint.events)).toEqual(["25 5 true 2025-05-04T16:00:00.000000Z 3"]);
  });

  it("refuse a value of the wrong type with an error event, leaving the variable as it was", async () => {
    const sprint = await run([
      update([
        { variable: "items", value: "2.5" },
        { variable: "total", value: "lots" },
        { variable: "vip", value: "yes" },
        { variable: "due", value: "soon" },
        { variable: "tags", value: "a, b" },
        { variable: "note", value: "@(array(1, 2))" },
        { variable: "total", value: "7" },
      ]),
      say("@vars.items @vars.total @vars.vip @vars.due @(count(vars.tags)) @vars.note"),
    ]);
    expect(ofType(sprint.events, "error").map((e) => e.text)).toEqual([
      `update_variables: variable "items" is integer, text "2.5" is not a whole number: not set`,
      `update_variables: variable "total" is decimal, text "lots" is not a number: not set`,
      `update_variables: variable "vip" is boolean, text "yes" is not true or false: not set`,
      `update_variables: variable "due" is date, text "soon" is not a date: not set`,
      `update_variables: variable "tags" is list, text "a, b" is not a list: not set`,
      `update_variables: variable "note" is text, array is not text: not set`,
    ]);
    expect(texts(sprint.events)).toEqual(["2 7 false 2025-05-07 2 Hi Ben"]);
  });

  it("are emptied by empty text, and a default of the wrong type leaves the variable empty", async () => {
    const sprint = await run([update([{ variable: "total", value: "" }]), say("[@vars.total] [@vars.items]")], [
      { name: "total", type: "decimal", default: "3" },
      { name: "items", type: "integer", default: "@contact.name" },
    ]);
    expect(texts(sprint.events)).toEqual(["[] []"]);
    expect(ofType(sprint.events, "error").map((e) => e.text)).toEqual([`the default of "items": variable "items" is integer, text "Ben Haggerty" is not a whole number: not set`]);
  });

  it("take values passed with the trigger, checked against their types, before their defaults", async () => {
    const sprint = await run([say("@vars.total @vars.items @vars.vip")], undefined, { variables: { total: 99.5, items: "x", vip: true, other: 1 } });
    expect(texts(sprint.events)).toEqual(["99.5 2 true"]);
    expect(ofType(sprint.events, "error").map((e) => e.text)).toEqual([
      `a value was passed for "other", which flow 'Variables' does not declare: ignored`,
      `the value passed for "items": variable "items" is integer, text "x" is not a whole number: not set`,
    ]);
  });

  it("are not added to the runs of flows that declare none", async () => {
    const sprint = await run([say("@vars")], []);
    expect(sprint.session.runs[0]).not.toHaveProperty("variables");
    expect(texts(sprint.events)).toEqual([""]);
  });

  it("are checked when the flow loads: declared once, and every update names a declared one", () => {
    const bad = flow([update([{ variable: "missing", value: "1" }])], [
      { name: "total", type: "decimal" },
      { name: "total", type: "text" },
      { name: "Bad Name", type: "text" },
      { name: "when", type: "time" },
    ]);
    const messages = loadFlow(bad).problems.map((p) => p.message);
    expect(messages.join("\n")).toContain("must be a snake_case name");
    expect(messages.join("\n")).toMatch(/when|time|type/);
    const fixed = flow([update([{ variable: "missing", value: "1" }])], [
      { name: "total", type: "decimal" },
      { name: "total", type: "text" },
    ]);
    expect(loadFlow(fixed).problems.map((p) => p.message)).toEqual([
      `the variable "total" is declared twice`,
      `node ${fixed.nodes[0].uuid}, action ${u(701)} (update_variables): the flow declares no variable "missing"`,
    ]);
  });
});
