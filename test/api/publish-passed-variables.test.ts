// Publishing refuses an enter_flow or start_session passing variables the other flow's published
// version does not declare, or a value that can never fit its type (issue #11, add to flow): a run
// would only log errors and use the defaults, so it is a 422 naming the action.
import { describe, expect, it } from "vitest";
import { call, unique } from "./helpers";

const node = (actions: unknown[]) => ({ uuid: crypto.randomUUID(), actions, exits: [{ uuid: crypto.randomUUID() }] });

async function create(actions: unknown[], variables?: unknown[]) {
  const uuid = crypto.randomUUID();
  const name = `Vars ${unique()}`;
  const definition = { uuid, name, spec_version: "14.4.2", language: "eng", type: "messaging", nodes: [node(actions)], ...(variables ? { variables } : {}) };
  const r = await call("POST", "/flows", { name, type: "messaging", definition });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { uuid, name };
}

describe("publishing variables passed to another flow", () => {
  it("refuses undeclared names and values that never fit the published flow's types; accepts the rest", async () => {
    const offer = await create([{ uuid: crypto.randomUUID(), type: "send_msg", text: "@vars.amount" }], [{ name: "amount", type: "decimal" }]);
    expect((await call("POST", `/flows/${offer.uuid}/publish`)).status).toBe(201);

    const action = crypto.randomUUID();
    const wrong = await create([{ uuid: action, type: "start_session", flow: offer, create_contact: true, variables: { amount: "lots", colour: "red" } }]);
    const refused = await call("POST", `/flows/${wrong.uuid}/publish`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.issues.map((d: { action_uuid: string; path: string }) => [d.action_uuid, d.path])).toEqual([
      [action, "nodes[0].actions[0].variables.amount"],
      [action, "nodes[0].actions[0].variables.colour"],
    ]);
    expect(JSON.stringify(refused.body)).toContain(`declares no variable \\"colour\\"`);

    const right = await create([{ uuid: crypto.randomUUID(), type: "enter_flow", flow: offer, variables: { amount: "5" } }]);
    const published = await call("POST", `/flows/${right.uuid}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
  });
});
