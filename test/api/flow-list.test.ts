// The flows list as the console reads it: contacts in each flow now, older versions still
// finishing, filters and search; and duplicating a flow.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { invocation, subrequests } from "../limits/count";
import { apiToken, call, ORIGIN, unique } from "./helpers";

function definition(text: string) {
  return {
    language: "eng",
    spec_version: "14.3.0",
    nodes: [{ uuid: "5b0cb6a4-34a0-4b9e-9a4b-0f1f7a0a1001", actions: [{ uuid: "5b0cb6a4-34a0-4b9e-9a4b-0f1f7a0a1002", type: "send_msg", text }], exits: [{ uuid: "5b0cb6a4-34a0-4b9e-9a4b-0f1f7a0a1003" }] }],
  };
}

async function publishedFlow(name: string, type = "messaging") {
  const flow = await call("POST", "/flows", { name, type, definition: definition("v1") });
  expect(flow.status).toBe(201);
  expect((await call("POST", `/flows/${flow.body.uuid}/publish`)).status).toBe(201);
  return flow.body.uuid as string;
}

/** Runs are written by the contacts' Durable Objects; here they are put in place directly. */
async function runsIn(flow: string, version: number, statuses: string[]) {
  for (const status of statuses) {
    const contact = await call("POST", "/contacts", { name: `In ${flow.slice(0, 4)}` });
    await env.DB.prepare("INSERT INTO runs (uuid, contact_uuid, flow_uuid, flow_version, status) VALUES (?, ?, ?, ?, ?)")
      .bind(crypto.randomUUID(), contact.body.uuid, flow, version, status)
      .run();
  }
}

const list = async (query: string) => {
  const r = await call("GET", `/flows?limit=500&${query}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.results as any[];
};

describe("GET /flows for the console", () => {
  it("counts the contacts in each flow now and lists the older versions still finishing", async () => {
    const tag = unique();
    const flow = await publishedFlow(`Finishing ${tag}`);
    await runsIn(flow, 1, ["waiting", "active", "completed", "expired"]);
    let [item] = await list(`search=${tag}`);
    expect(item).toMatchObject({ uuid: flow, status: "active", published_version: 1, contacts_now: 2, finishing: [] });

    expect((await call("PATCH", `/flows/${flow}`, { definition: definition("v2") })).status).toBe(200);
    expect((await call("POST", `/flows/${flow}/publish`)).status).toBe(201);
    await runsIn(flow, 2, ["waiting"]);
    [item] = await list(`search=${tag}`);
    expect(item).toMatchObject({ published_version: 2, contacts_now: 3, finishing: [{ version: 1, contacts: 2 }] });
    expect((await list("status=finishing")).map((f) => f.uuid)).toContain(flow);

    // Once the old version's contacts are done, it is no longer finishing.
    await env.DB.prepare("UPDATE runs SET status = 'completed' WHERE flow_uuid = ? AND flow_version = 1").bind(flow).run();
    [item] = await list(`search=${tag}`);
    expect(item).toMatchObject({ contacts_now: 1, finishing: [] });
    expect((await list("status=finishing")).map((f) => f.uuid)).not.toContain(flow);
  });

  it("searches names in any case, treats % and _ literally, and combines with status and type", async () => {
    const tag = unique();
    const a = (await call("POST", "/flows", { name: `Survey 100% ${tag}`, type: "messaging" })).body.uuid;
    const b = (await call("POST", "/flows", { name: `survey_x ${tag}`, type: "messaging_background" })).body.uuid;
    const c = await publishedFlow(`Reminder ${tag}`, "messaging_background");
    expect((await list(`search=SURVEY&type=messaging_background`)).map((f) => f.uuid)).toContain(b);
    expect((await list(`search=${tag}`)).map((f) => f.uuid).sort()).toEqual([a, b, c].sort());
    expect((await list(`search=${encodeURIComponent("100%")}`)).map((f) => f.uuid)).toEqual([a]);
    expect((await list(`search=${encodeURIComponent(`y_x ${tag}`)}`)).map((f) => f.uuid)).toEqual([b]);
    expect((await list(`search=${tag}&status=draft`)).map((f) => f.uuid).sort()).toEqual([a, b].sort());
    expect((await list(`search=${tag}&status=active&type=messaging_background`)).map((f) => f.uuid)).toEqual([c]);
    expect((await call("GET", "/flows?status=finished")).body).toMatchObject({ error: "validation_failed", issues: [{ path: "status" }] });
  });

  it("pauses and archives through PATCH status, and the list filters on it", async () => {
    const tag = unique();
    const flow = await publishedFlow(`Pausable ${tag}`);
    expect((await call("PATCH", `/flows/${flow}`, { status: "paused" })).body.status).toBe("paused");
    expect((await list(`search=${tag}&status=paused`)).map((f) => f.uuid)).toEqual([flow]);
    expect((await call("PATCH", `/flows/${flow}`, { status: "archived" })).body.status).toBe("archived");
    expect((await list(`search=${tag}&status=archived`)).map((f) => f.uuid)).toEqual([flow]);
    expect(await list(`search=${tag}&status=active`)).toEqual([]);
  });
});

describe("POST /flows/{uuid}/duplicate", () => {
  it("copies the draft and settings into a new draft flow named 'Copy of ...'", async () => {
    const tag = unique();
    const source = await call("POST", "/flows", { name: `Original ${tag}`, type: "messaging_background", definition: definition("draft text"), goal: { event: "signed_up" } });
    const copy = await call("POST", `/flows/${source.body.uuid}/duplicate`, {});
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: `Copy of Original ${tag}`, type: "messaging_background", status: "draft", published_version: null, goal: { event: "signed_up" } });
    expect(copy.body.uuid).not.toBe(source.body.uuid);
    expect(copy.body.definition).toMatchObject({ uuid: copy.body.uuid, name: `Copy of Original ${tag}`, nodes: [{ actions: [{ text: "draft text" }] }] });
    // The original is untouched.
    expect((await call("GET", `/flows/${source.body.uuid}`)).body.name).toBe(`Original ${tag}`);
  });

  it("copies a published version when asked, under the given name; an unknown version or flow is a 404", async () => {
    const flow = await publishedFlow(`Versioned ${unique()}`);
    await call("PATCH", `/flows/${flow}`, { definition: definition("newer draft") });
    const copy = await call("POST", `/flows/${flow}/duplicate`, { version: 1, name: "From v1" });
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ name: "From v1", definition: { nodes: [{ actions: [{ text: "v1" }] }] } });
    expect((await call("POST", `/flows/${flow}/duplicate`, { version: 9 })).status).toBe(404);
    expect((await call("POST", `/flows/${crypto.randomUUID()}/duplicate`, {})).status).toBe(404);
    expect((await call("POST", `/flows/${flow}/duplicate`, { name: "" })).body).toMatchObject({ error: "validation_failed", issues: [{ path: "name" }] });
  });
});

describe("the list's cost", () => {
  it("a page of 500 flows, each with live runs, takes a handful of D1 queries", async () => {
    const tag = unique();
    const contact = (await call("POST", "/contacts", { name: "Everywhere" })).body.uuid;
    const uuids = Array.from({ length: 500 }, () => crypto.randomUUID());
    const draft = JSON.stringify(definition("x"));
    const insert = env.DB.prepare("INSERT INTO flows (uuid, name, type, status, draft, published_version) VALUES (?, ?, 'messaging', 'active', ?, 2)");
    const run = env.DB.prepare("INSERT INTO runs (uuid, contact_uuid, flow_uuid, flow_version, status) VALUES (?, ?, ?, 1, 'waiting')");
    await env.DB.batch(uuids.flatMap((u, i) => [insert.bind(u, `Many ${tag} ${i}`, draft), run.bind(crypto.randomUUID(), contact, u)]));

    const token = await apiToken();
    const { result, cost } = await invocation("GET /flows?limit=500", async () => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(new Request(`${ORIGIN}/api/v1/flows?limit=500&search=${tag}`, { headers: { authorization: `Bearer ${token}` } }), env, ctx);
      await waitOnExecutionContext(ctx);
      return (await res.json()) as { results: { contacts_now: number; finishing: unknown[] }[] };
    });
    expect(result.results).toHaveLength(500);
    expect(result.results.every((f) => f.contacts_now === 1 && f.finishing.length === 1)).toBe(true);
    // The token, the page, and the live counts in chunks of 90 flows (D1 binds at most 100 parameters).
    expect(cost.d1Queries).toBeLessThanOrEqual(1 + 1 + Math.ceil(500 / 90) + 1);
    expect(subrequests(cost)).toBeLessThanOrEqual(10);
  }, 60_000);
});
