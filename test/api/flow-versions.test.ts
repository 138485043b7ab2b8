import { describe, expect, it } from "vitest";
import exampleJson from "./fixtures/example-flow.json";
import { call, unique } from "./helpers";

type Definition = { uuid: string; nodes: any[]; [key: string]: unknown };

/** The example flow (it waits for a reply) created under a fresh UUID. */
async function exampleFlow(): Promise<{ uuid: string; name: string; definition: Definition }> {
  const definition = structuredClone(exampleJson) as Definition;
  definition.uuid = crypto.randomUUID();
  const name = `Versions ${unique()}`;
  const r = await call("POST", "/flows", { name, type: "messaging", definition });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { uuid: r.body.uuid, name, definition: r.body.definition };
}

/** Saves the draft with the first message changed. */
async function edit(flow: string, text: string): Promise<number> {
  const current = (await call("GET", `/flows/${flow}`)).body;
  const definition = structuredClone(current.definition);
  definition.nodes[0].actions[0].text = text;
  const r = await call("PATCH", `/flows/${flow}`, { definition, draft_revision: current.draft_revision });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.draft_revision;
}

const versions = async (flow: string) => (await call("GET", `/flows/${flow}/versions`)).body.results;

async function waitFor<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${what} never happened`);
}

describe("flow versions", () => {
  it("records who published, and refuses to publish a draft saved again since the revision the caller saw", async () => {
    const flow = await exampleFlow();
    const first = await call("POST", `/flows/${flow.uuid}/publish?draft_revision=1`);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ flow_uuid: flow.uuid, version: 1 });

    const revision = await edit(flow.uuid, "How old are you now?");
    const stale = await call("POST", `/flows/${flow.uuid}/publish?draft_revision=1`);
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: "conflict", issues: [{ path: "draft_revision", message: `is ${revision} now` }] });
    expect((await versions(flow.uuid)).map((v: { version: number }) => v.version)).toEqual([1]);

    expect((await call("POST", `/flows/${flow.uuid}/publish?draft_revision=${revision}`)).status).toBe(201);
    expect(await versions(flow.uuid)).toEqual([
      { version: 2, published_on: expect.any(String), published_by: "API token", status: "active", contacts: 0 },
      { version: 1, published_on: expect.any(String), published_by: "API token", status: "ended", contacts: 0 },
    ]);
    expect((await call("POST", `/flows/${flow.uuid}/publish?draft_revision=abc`)).status).toBe(400);
  });

  it("shows an older version as finishing while contacts are still in it", async () => {
    const flow = await exampleFlow();
    expect((await call("POST", `/flows/${flow.uuid}/publish`)).status).toBe(201);
    const contact = (await call("POST", "/contacts", { name: "Waiting" })).body.uuid;
    const started = await call("POST", `/flows/${flow.uuid}/start`, { contacts: [contact] });
    expect(started.body.started, JSON.stringify(started.body)).toBe(1);
    await waitFor("the run reaching D1", () => call("GET", `/runs?flow=${flow.uuid}`), (r) => r.body.results.some((x: { status: string }) => x.status === "waiting"));

    await edit(flow.uuid, "Version two asks again");
    expect((await call("POST", `/flows/${flow.uuid}/publish`)).status).toBe(201);
    expect((await versions(flow.uuid)).map((v: Record<string, unknown>) => [v.version, v.status, v.contacts])).toEqual([
      [2, "active", 0],
      [1, "finishing", 1],
    ]);
  });

  it("restores a version as the draft, and an editor still on the old draft then gets a conflict", async () => {
    const flow = await exampleFlow();
    expect((await call("POST", `/flows/${flow.uuid}/publish`)).status).toBe(201);
    const revision = await edit(flow.uuid, "Unpublished wording");

    const restored = await call("POST", `/flows/${flow.uuid}/versions/1/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body).toEqual({ flow_uuid: flow.uuid, restored_version: 1, draft_revision: revision + 1 });
    const draft = (await call("GET", `/flows/${flow.uuid}`)).body;
    expect(draft.definition.nodes[0].actions[0].text).toBe("Hi @contact.first_name, how old are you?");
    expect(draft.definition.revision).toBe(revision + 1);
    const late = await call("PATCH", `/flows/${flow.uuid}`, { definition: draft.definition, draft_revision: revision });
    expect(late.status).toBe(409);

  });

  it("publishes with warnings for the fields, groups and flows it refers to that do not exist, each with its node", async () => {
    const key = `nofield_${unique()}`;
    const [node, field, group, enter] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const missingGroup = crypto.randomUUID();
    const missingFlow = crypto.randomUUID();
    const definition = {
      uuid: crypto.randomUUID(),
      name: "Refers",
      spec_version: "14.4.0",
      language: "eng",
      type: "messaging",
      nodes: [
        {
          uuid: node,
          actions: [
            { uuid: field, type: "set_contact_field", field: { key, name: key }, value: "x" },
            { uuid: group, type: "add_contact_groups", groups: [{ uuid: missingGroup, name: "Nobody's group" }] },
            { uuid: enter, type: "enter_flow", flow: { uuid: missingFlow, name: "Gone" } },
          ],
          exits: [{ uuid: crypto.randomUUID() }],
        },
      ],
    };
    const created = await call("POST", "/flows", { name: `Refers ${unique()}`, type: "messaging", definition });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const published = await call("POST", `/flows/${created.body.uuid}/publish`);
    expect(published.status).toBe(201);
    expect(published.body.warnings).toEqual([
      expect.objectContaining({ level: "warning", node_uuid: node, action_uuid: field, message: `there is no contact field "${key}": create it, or change the reference` }),
      expect.objectContaining({ level: "warning", node_uuid: node, action_uuid: group, message: `there is no group "Nobody's group"` }),
      expect.objectContaining({ level: "warning", node_uuid: node, action_uuid: enter, message: `there is no flow "Gone" (${missingFlow})` }),
    ]);
  });

  it("answers 404 for a version that does not exist, changing nothing", async () => {
    const flow = await exampleFlow();
    for (const path of [`/flows/${flow.uuid}/versions/1/restore`, `/flows/${flow.uuid}/versions/x/restore`]) expect((await call("POST", path)).status, path).toBe(404);
    expect((await call("GET", `/flows/${flow.uuid}/versions/1`)).status).toBe(404);
    expect((await call("GET", `/flows/${flow.uuid}`)).body.draft_revision).toBe(1);
  });
});
