import { describe, expect, it } from "vitest";
import exampleJson from "./fixtures/example-flow.json";
import { call, unique } from "./helpers";

// Loosely typed: the tests break and edit definitions freely.
type Definition = { uuid: string; type: string; nodes: any[]; [key: string]: unknown };
const example = exampleJson as Definition;
const clone = (): Definition => structuredClone(example);
const ASK_NODE = "10000000-0000-4000-8000-00000000000a";

/** The example flow under a fresh UUID, so tests don't share rows. */
function freshExample(): Definition {
  const d = clone();
  d.uuid = crypto.randomUUID();
  return d;
}

describe("flows", () => {
  it("creates a flow with an empty draft, gets, lists, renames and deletes it", async () => {
    const name = `Welcome ${unique()}`;
    const created = await call("POST", "/flows", { name, type: "messaging" });
    expect(created.status).toBe(201);
    const flow = created.body;
    expect(flow).toMatchObject({ name, type: "messaging", status: "draft", published_version: null, versions: [], problems: [] });
    expect(flow.definition).toMatchObject({ uuid: flow.uuid, name, type: "messaging", nodes: [] });

    expect((await call("GET", `/flows/${flow.uuid}`)).body).toMatchObject({ uuid: flow.uuid, name });
    const drafts = await call("GET", "/flows?status=draft&limit=500");
    expect(drafts.body.results.map((f: { uuid: string }) => f.uuid)).toContain(flow.uuid);
    expect(drafts.body.results.every((f: { status: string }) => f.status === "draft")).toBe(true);

    const renamed = await call("PATCH", `/flows/${flow.uuid}`, { name: `${name}!`, delivery_window: { days: ["mon", "tue"], start: "08:00", end: "18:00", timezone: "Africa/Kigali" } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: `${name}!`, delivery_window: { days: ["mon", "tue"] } });
    expect(renamed.body.definition.name).toBe(`${name}!`);

    expect((await call("DELETE", `/flows/${flow.uuid}`)).status).toBe(204);
    expect((await call("GET", `/flows/${flow.uuid}`)).status).toBe(404);
  });

  it("rejects bad bodies naming the field, and creates nothing", async () => {
    const name = `Bad ${unique()}`;
    const res = await call("POST", "/flows", { name, type: "voice", goal: { event: "" } });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe("validation_failed");
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["goal.event", "type"]);
    const all = await call("GET", "/flows?limit=500");
    expect(all.body.results.some((f: { name: string }) => f.name === name)).toBe(false);

    const window = await call("POST", "/flows", { name, type: "messaging", delivery_window: { days: [], start: "8am", end: "18:00", timezone: "Mars/Olympus" } });
    expect(window.status).toBe(400);
    expect(window.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["delivery_window.days", "delivery_window.start", "delivery_window.timezone"]);
  });

  it("refuses to save a background flow that waits for a reply, naming the node", async () => {
    const d = freshExample();
    d.type = "messaging_background";
    const res = await call("POST", "/flows", { name: "Background", type: "messaging_background", definition: d });
    expect(res.status).toBe(422);
    expect(res.body.issues).toEqual([expect.objectContaining({ node_uuid: ASK_NODE, path: "nodes[0].router.wait", level: "error" })]);
    expect((await call("GET", `/flows/${d.uuid}`)).status).toBe(404);
  });

  it("publishes: a broken draft gets 422 with every problem and its node; fixed, version 1; edited, version 2 while 1 stays", async () => {
    const broken = freshExample();
    broken.nodes[0].exits[0].destination_uuid = "99999999-0000-4000-8000-000000000000";
    broken.nodes[0].router.cases[0].category_uuid = "c9999999-0000-4000-8000-000000000000";
    const created = await call("POST", "/flows", { name: "Age check-in", type: "messaging", definition: broken });
    expect(created.status).toBe(201);
    const uuid = created.body.uuid;
    expect(uuid).toBe(broken.uuid);
    expect(created.body.problems.length).toBeGreaterThanOrEqual(2);

    const validated = await call("POST", `/flows/${uuid}/validate`);
    expect(validated.body.valid).toBe(false);

    const refused = await call("POST", `/flows/${uuid}/publish`);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe("flow_invalid");
    const errors = refused.body.issues.filter((i: { level: string }) => i.level === "error");
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ node_uuid: ASK_NODE, path: "nodes[0].exits[0].destination_uuid" }),
        expect.objectContaining({ node_uuid: ASK_NODE, path: "nodes[0].router.cases[0].category_uuid" }),
      ]),
    );
    expect((await call("GET", `/flows/${uuid}`)).body).toMatchObject({ status: "draft", published_version: null, versions: [] });

    const fixed = clone();
    fixed.uuid = uuid;
    expect((await call("PATCH", `/flows/${uuid}`, { definition: fixed })).status).toBe(200);
    expect((await call("POST", `/flows/${uuid}/validate`)).body.valid).toBe(true);
    const v1 = await call("POST", `/flows/${uuid}/publish`);
    expect(v1.status).toBe(201);
    expect(v1.body).toMatchObject({ flow_uuid: uuid, version: 1 });
    expect((await call("GET", `/flows/${uuid}`)).body).toMatchObject({ status: "active", published_version: 1 });

    const edited = clone();
    edited.uuid = uuid;
    edited.nodes[0].actions[0].text = "How old are you, @contact.first_name?";
    expect((await call("PATCH", `/flows/${uuid}`, { definition: edited })).status).toBe(200);
    const v2 = await call("POST", `/flows/${uuid}/publish`);
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);

    const again = await call("POST", `/flows/${uuid}/publish`);
    expect(again.status).toBe(200);
    expect(again.body.version).toBe(2);

    const one = await call("GET", `/flows/${uuid}/versions/1`);
    expect(one.body.definition.nodes[0].actions[0].text).toBe(example.nodes[0].actions[0].text);
    const two = await call("GET", `/flows/${uuid}/versions/2`);
    expect(two.body.definition.nodes[0].actions[0].text).toBe("How old are you, @contact.first_name?");
    const versions = await call("GET", `/flows/${uuid}/versions`);
    expect(versions.body.results.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await call("GET", `/flows/${uuid}/versions/3`)).status).toBe(404);

    const del = await call("DELETE", `/flows/${uuid}`);
    expect(del.status).toBe(409);
    expect(del.body.error).toBe("conflict");
    expect((await call("GET", `/flows/${uuid}`)).status).toBe(200);

    expect((await call("PATCH", `/flows/${uuid}`, { status: "paused" })).body.status).toBe("paused");
  });

  it("imports an export file with two flows, its fields and groups, and updates the drafts on a second import", async () => {
    const first = freshExample();
    const second = { uuid: crypto.randomUUID(), name: "Reminder", spec_version: "14.4.0", language: "eng", type: "messaging_background", revision: 3, nodes: [
      { uuid: crypto.randomUUID(), actions: [{ uuid: crypto.randomUUID(), type: "send_msg", text: "Don't forget your appointment" }], exits: [{ uuid: crypto.randomUUID() }] },
    ] };
    const groupUuid = crypto.randomUUID();
    const fieldKey = `age_${unique()}`;
    const file = {
      version: "13",
      site: "https://textit.com",
      flows: [first, second],
      fields: [{ key: fieldKey, name: "Age", type: "numeric" }],
      groups: [{ uuid: groupUuid, name: `Registered ${unique()}`, query: null }],
    };
    const res = await call("POST", "/flows/import", file);
    expect(res.status).toBe(200);
    expect(res.body.flows).toEqual([
      expect.objectContaining({ uuid: first.uuid, name: "Age Check-in", created: true }),
      expect.objectContaining({ uuid: second.uuid, name: "Reminder", created: true, problems: [] }),
    ]);
    // The example flow also uses @fields.age and the group Registered, which import creates if no earlier test did.
    expect(res.body.fields.created.filter((k: string) => k !== "age")).toEqual([fieldKey]);
    expect(res.body.groups.created.filter((u: string) => u !== "90000000-0000-4000-8000-000000000001")).toEqual([groupUuid]);

    const a = await call("GET", `/flows/${first.uuid}`);
    expect(a.body).toMatchObject({ type: "messaging", status: "draft" });
    expect(a.body.definition.nodes).toHaveLength(4);
    expect((await call("GET", `/flows/${second.uuid}`)).body.type).toBe("messaging_background");
    expect((await call("GET", `/fields/${fieldKey}`)).body).toMatchObject({ name: "Age", type: "number" });
    expect((await call("GET", `/groups/${groupUuid}`)).status).toBe(200);

    second.nodes[0].actions[0].text = "Your appointment is tomorrow";
    const again = await call("POST", "/flows/import", { ...file, flows: [second] });
    expect(again.body.flows[0].created).toBe(false);
    expect(again.body.groups.updated).toEqual([groupUuid]);
    expect((await call("GET", `/flows/${second.uuid}`)).body.definition.nodes[0].actions[0].text).toBe("Your appointment is tomorrow");
  });

  it("rejects an import with a flow Eddy can't run, and imports nothing", async () => {
    const ok = freshExample();
    const voice = { ...freshExample(), type: "voice" };
    const res = await call("POST", "/flows/import", { version: "13", flows: [ok, voice] });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ path: "flows.1.type" })]);
    expect((await call("GET", `/flows/${ok.uuid}`)).status).toBe(404);
  });

  it("saves a draft edited from the current revision, and refuses one edited from a revision someone else has saved over", async () => {
    const start = freshExample();
    const created = await call("POST", "/flows", { name: "Two editors", type: "messaging", definition: start });
    const read = created.body.draft_revision;

    const alice = clone();
    alice.uuid = start.uuid;
    alice.nodes[0].actions[0].text = "Alice's question";
    const saved = await call("PATCH", `/flows/${start.uuid}`, { definition: alice, draft_revision: read });
    expect(saved.status).toBe(200);
    expect(saved.body.draft_revision).toBe(read + 1);

    const bob = clone();
    bob.uuid = start.uuid;
    bob.nodes[0].actions[0].text = "Bob's question";
    const refused = await call("PATCH", `/flows/${start.uuid}`, { definition: bob, draft_revision: read });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: "conflict", issues: [{ path: "draft_revision", message: `is ${read + 1} now` }] });
    const now = (await call("GET", `/flows/${start.uuid}`)).body;
    expect(now.draft_revision).toBe(read + 1);
    expect(now.definition.nodes[0].actions[0].text).toBe("Alice's question");

    // Bob reloads, edits the newer draft, and saves.
    expect((await call("PATCH", `/flows/${start.uuid}`, { definition: bob, draft_revision: read + 1 })).status).toBe(200);
  });
});
