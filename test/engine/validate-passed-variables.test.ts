// Add to flow (issue #11): the variables an enter_flow or start_session passes are checked against
// the other flow's declared ones when validation has its definition (an export's flows here; a
// publish has the other flow's published version, test/api/publish-passed-variables.test.ts).
import { describe, expect, it } from "vitest";
import { loadExport } from "../../durable/engine/flow/load";
import { linearFlow, u } from "./engine-support";

const OFFER = "a6000000-0000-4000-8000-000000000000";
const GIFT = "a6100000-0000-4000-8000-000000000000";
const UNKNOWN = "a6200000-0000-4000-8000-000000000000";

const offer = linearFlow(OFFER, "Offer", [{ actions: [{ uuid: u(1), type: "send_msg", text: "@vars.amount" }] }]);
Object.assign(offer, {
  variables: [
    { name: "amount", type: "decimal" },
    { name: "vip", type: "boolean" },
    { name: "tags", type: "list" },
    { name: "note", type: "text" },
  ],
});

function gift(actions: Record<string, unknown>[]) {
  const flow = linearFlow(GIFT, "Gift", [{ actions: actions.map((a, i) => ({ uuid: u(10 + i), ...a })) }]);
  return Object.assign(flow, { variables: [{ name: "due", type: "date" }, { name: "total", type: "decimal" }, { name: "label", type: "text" }] });
}

function problemsOf(actions: Record<string, unknown>[]) {
  const loaded = loadExport({ version: "13", flows: [gift(actions), offer] });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  return loaded.flows[0].problems;
}

const to = (uuid: string, name: string) => ({ flow: { uuid, name } });

describe("variables passed to another flow", () => {
  it("accepts declared variables with values that fit or that only a run can tell", () => {
    const variables = { amount: "@vars.total", vip: "TRUE", tags: '["a"]', note: "@vars.due" };
    expect(problemsOf([{ type: "enter_flow", ...to(OFFER, "Offer"), variables }])).toEqual([]);
    expect(problemsOf([{ type: "start_session", ...to(OFFER, "Offer"), create_contact: true, variables: { amount: "@fields.amount", vip: "@(vars.total > 10)", tags: "" } }])).toEqual([]);
  });

  it("names the node and action passing a variable the other flow does not declare", () => {
    expect(problemsOf([{ type: "enter_flow", ...to(OFFER, "Offer"), variables: { amount: "5", colour: "red" } }])).toEqual([
      expect.objectContaining({ level: "error", node_uuid: expect.any(String), action_uuid: u(10), path: "nodes[0].actions[0].variables.colour", message: expect.stringContaining('"Offer" declares no variable "colour"') }),
    ]);
  });

  it("refuses literal values and this flow's variables of a type that never fits, for enter_flow and start_session", () => {
    const problems = problemsOf([
      { type: "enter_flow", ...to(OFFER, "Offer"), variables: { amount: "lots", vip: "maybe" } },
      { type: "start_session", ...to(OFFER, "Offer"), create_contact: true, variables: { amount: "@(vars.due)", vip: "@vars.total", tags: "@vars.label", note: "@vars.due" } },
    ]);
    expect(problems.map((p) => [p.action_uuid, p.path.replace(/^nodes\[0\]\.actions\[\d\]\./, ""), p.message.replace(/^node [^:]+: /, "")])).toEqual([
      [u(10), "variables.amount", `"Offer"'s variable "amount" is decimal: "lots" does not fit`],
      [u(10), "variables.vip", `"Offer"'s variable "vip" is boolean: "maybe" does not fit`],
      [u(11), "variables.amount", `"Offer"'s variable "amount" is decimal: this flow's "due" is date, which never fits`],
      [u(11), "variables.vip", `"Offer"'s variable "vip" is boolean: this flow's "total" is decimal, which never fits`],
    ]);
  });

  it("says nothing when the other flow's definition is not at hand", () => {
    expect(problemsOf([{ type: "enter_flow", ...to(UNKNOWN, "Elsewhere"), variables: { anything: "lots" } }])).toEqual([]);
  });
});
