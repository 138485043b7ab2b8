// Publishing refuses a flow that enters a flow its sessions can't enter (issue #12, point 6): a
// background flow entering a messaging flow fails that run in goflow, so it is a 422 naming the action.
import { describe, expect, it } from "vitest";
import { call, unique } from "./helpers";

const node = (uuid: string, actions: unknown[]) => ({ uuid, actions, exits: [{ uuid: crypto.randomUUID() }] });

async function create(type: string, actions: unknown[]) {
  const uuid = crypto.randomUUID();
  const name = `Typed ${unique()}`;
  const definition = { uuid, name, spec_version: "14.4.2", language: "eng", type, nodes: [node(crypto.randomUUID(), actions)] };
  const r = await call("POST", "/flows", { name, type, definition });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { uuid, name };
}

describe("publishing an enter_flow across flow types", () => {
  it("refuses a background flow entering a messaging flow, allows the other way round", async () => {
    const messaging = await create("messaging", [{ uuid: crypto.randomUUID(), type: "send_msg", text: "Hi" }]);
    const enter = (f: { uuid: string; name: string }) => [{ uuid: crypto.randomUUID(), type: "enter_flow", flow: f }];
    const background = await create("messaging_background", enter(messaging));
    const refused = await call("POST", `/flows/${background.uuid}/publish`);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(JSON.stringify(refused.body)).toContain("a background flow cannot enter");

    const fromMessaging = await create("messaging", enter(background));
    const published = await call("POST", `/flows/${fromMessaging.uuid}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
  });
});
