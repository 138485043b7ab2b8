// A flow's type changes through PATCH /flows/{uuid} (Glific's "run this flow in the background"
// setting, issue #9): the draft follows the new type, and a flow that waits for replies cannot
// become a background flow.
import { describe, expect, it } from "vitest";
import exampleJson from "./fixtures/example-flow.json";
import { call, unique } from "./helpers";

const ASK_NODE = "10000000-0000-4000-8000-00000000000a";

describe("changing a flow's type", () => {
  it("turns a messaging flow without reply waits into a background flow and back, the draft following", async () => {
    const created = await call("POST", "/flows", {
      name: `Tagging ${unique()}`,
      type: "messaging",
      definition: { language: "eng", spec_version: "14.3.0", nodes: [{ uuid: crypto.randomUUID(), actions: [{ uuid: crypto.randomUUID(), type: "send_msg", text: "Thanks" }], exits: [{ uuid: crypto.randomUUID() }] }] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { uuid, draft_revision } = created.body;

    const background = await call("PATCH", `/flows/${uuid}`, { type: "messaging_background", draft_revision });
    expect(background.status, JSON.stringify(background.body)).toBe(200);
    expect(background.body).toMatchObject({ type: "messaging_background", draft_revision: draft_revision + 1, definition: { type: "messaging_background" } });
    expect((await call("GET", `/flows?type=messaging_background&limit=500`)).body.results.map((f: { uuid: string }) => f.uuid)).toContain(uuid);

    const back = await call("PATCH", `/flows/${uuid}`, { type: "messaging" });
    expect(back.body).toMatchObject({ type: "messaging", definition: { type: "messaging" } });
  });

  it("refuses to make a flow that waits for a reply a background flow, naming the node, and changes nothing", async () => {
    const definition = { ...structuredClone(exampleJson), uuid: crypto.randomUUID() };
    const created = await call("POST", "/flows", { name: `Ask ${unique()}`, type: "messaging", definition });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const refused = await call("PATCH", `/flows/${definition.uuid}`, { type: "messaging_background" });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe("flow_invalid");
    expect(refused.body.message).toContain(ASK_NODE);
    expect(refused.body.message).toContain("a background flow cannot wait for a message");
    expect(refused.body.issues).toEqual([expect.objectContaining({ node_uuid: ASK_NODE, path: "nodes[0].router.wait", level: "error" })]);

    const after = (await call("GET", `/flows/${definition.uuid}`)).body;
    expect(after).toMatchObject({ type: "messaging", draft_revision: created.body.draft_revision, definition: { type: "messaging" } });
  });

  it("refuses it while the published version waits for a reply, though the draft no longer does", async () => {
    const definition = { ...structuredClone(exampleJson), uuid: crypto.randomUUID() };
    const created = await call("POST", "/flows", { name: `Published ask ${unique()}`, type: "messaging", definition });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect((await call("POST", `/flows/${definition.uuid}/publish`)).status).toBe(201);
    const noWait = { ...definition, nodes: [{ uuid: crypto.randomUUID(), actions: [{ uuid: crypto.randomUUID(), type: "send_msg", text: "Hi" }], exits: [{ uuid: crypto.randomUUID() }] }] };
    expect((await call("PATCH", `/flows/${definition.uuid}`, { definition: noWait })).status).toBe(200);

    const refused = await call("PATCH", `/flows/${definition.uuid}`, { type: "messaging_background" });
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain(`published version 1: node ${ASK_NODE}`);
    expect((await call("GET", `/flows/${definition.uuid}`)).body.type).toBe("messaging");
  });

  it("rejects a type Eddy does not run", async () => {
    const created = await call("POST", "/flows", { name: `Voice ${unique()}`, type: "messaging" });
    const res = await call("PATCH", `/flows/${created.body.uuid}`, { type: "voice" });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i: { path: string }) => i.path)).toEqual(["type"]);
  });
});
