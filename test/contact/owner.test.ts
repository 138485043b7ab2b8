// The contact's object owns its contact (docs/contact-session.md, "Who owns the contact"): the API's
// edits reach it first and it writes them to D1 field by field, in order with its flows' changes, so
// a flow's change not yet in D1 and the API's change to another field both survive; a timer firing
// long after the object last read D1 sees the API's edit without reading D1 again; a bulk add of
// 500 contacts to a group keeps to the invocation's budget.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { WrittenBehind } from "../../durable/contact/d1-writes";
import worker from "../../worker/index";
import { inObject, invocation, recordedNamespace, subrequests } from "../limits/count";
import { settled, startNow } from "../starts/support";
import { journey, journeyContact, startFor } from "./journey-flows";
import { landed } from "./landed";
import { apiToken } from "../api/helpers";
import { call, contactByUrn, linearFlow, ORIGIN, phone, postTwilio, publishFlow, say, twilioChannel, twilioOutbox, twilioSms, unique } from "./support";

const { sent } = twilioOutbox();
const texts = () => sent.map((s) => s.body);

// The contact objects' D1 writes handed to the D1_WRITES queue are kept here, and delivered to the
// Worker's queue handler when the test says: until then, a start's changes have not landed.
const captured: WrittenBehind[] = [];
let restore: () => void;
beforeAll(() => {
  const proto = Object.getPrototypeOf(env.D1_WRITES) as { sendBatch: (m: Iterable<MessageSendRequest>, o?: unknown) => Promise<void> };
  const original = proto.sendBatch;
  proto.sendBatch = function (messages, options) {
    const list = [...messages];
    if (list.every((m) => !!m.body && typeof m.body === "object" && "entries" in m.body)) {
      captured.push(...list.map((m) => m.body as WrittenBehind));
      return Promise.resolve();
    }
    return original.call(this, list, options);
  };
  restore = () => (proto.sendBatch = original);
});
afterAll(() => restore());
afterEach(() => vi.useRealTimers());

async function drain(): Promise<void> {
  for (let round = 0; captured.length && round < 20; round++) {
    const bodies = captured.splice(0, 100);
    const batch = createMessageBatch<WrittenBehind>("eddy-d1-writes", bodies.map((body, i) => ({ id: `o${round}-${i}`, timestamp: new Date(), attempts: 1, body })));
    const ctx = createExecutionContext();
    await (worker.queue as ExportedHandlerQueueHandler<Env>)(batch as MessageBatch, env, ctx);
    const result = await getQueueResult(batch as MessageBatch, ctx);
    const again = new Set(result.retryMessages.map((r) => r.msgId));
    captured.push(...bodies.filter((_, i) => again.has(`o${round}-${i}`)));
  }
  expect(captured).toEqual([]);
}

/** The SQL of every D1 statement run while `fn` runs (anywhere in the isolate). */
async function statements<T>(fn: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
  const sql: string[] = [];
  const statement = Object.getPrototypeOf(env.DB.prepare("SELECT 1")) as Record<string, (...a: unknown[]) => unknown>;
  const db = Object.getPrototypeOf(env.DB) as Record<string, (...a: unknown[]) => unknown>;
  const text = (s: unknown) => String((s as { statement?: string }).statement ?? "");
  const originals = new Map<[Record<string, (...a: unknown[]) => unknown>, string], (...a: unknown[]) => unknown>();
  for (const m of ["first", "run", "all", "raw"]) originals.set([statement, m], statement[m]);
  originals.set([db, "batch"], db.batch);
  for (const [[proto, m], original] of originals)
    proto[m] = function (this: unknown, ...a: unknown[]) {
      if (m === "batch") sql.push(...(a[0] as unknown[]).map(text));
      else sql.push(text(this));
      return original.apply(this, a);
    };
  try {
    return { result: await fn(), sql };
  } finally {
    for (const [[proto, m], original] of originals) proto[m] = original;
  }
}

async function field(type = "text"): Promise<{ key: string; name: string }> {
  const key = `f_${unique()}`;
  expect((await call("POST", "/fields", { key, name: key, type })).status).toBe(201);
  return { key, name: key };
}

describe("the API's edit of a contact", () => {
  it("and a flow's change to another field not yet in D1 both survive, in the API and in the next message's @fields", async () => {
    const a = await field();
    const b = await field();
    const flow = await publishFlow(
      linearFlow("Set A, then show", "messaging", [
        { actions: [{ type: "set_contact_field", field: a, value: "from the flow" }], wait: true },
        { actions: [say(`a=@fields.${a.key} b=@fields.${b.key}`)] },
      ]),
    );
    const c = await journeyContact();
    // A start of many contacts writes behind: its change to A waits in the queue.
    await settled((await startNow({ flow: flow.uuid, audience: { contacts: [c.contact] } })).uuid);
    expect(captured.some((w) => w.contact === c.contact)).toBe(true);
    expect((await call("GET", `/contacts/${c.contact}`)).body.fields[a.key]).toBeUndefined();

    expect((await call("PATCH", `/contacts/${c.contact}`, { fields: { [b.key]: "from the API" } })).status).toBe(200);
    await c.reply("show me");
    expect(texts()).toContain("a=from the flow b=from the API");

    await drain();
    await landed(c.contact);
    expect((await call("GET", `/contacts/${c.contact}`)).body.fields).toMatchObject({ [a.key]: "from the flow", [b.key]: "from the API" });
  });

  it("reaches a timer firing long after the object last read D1, which reads nothing from D1", async () => {
    const plan = await field();
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(t0);
    const flow = await publishFlow(
      journey("Plan reminder", "messaging_background", [{ wait: ({ next }: { next: string }) => ({ type: "pause", for: { amount: 2, unit: "hours" }, category_uuid: next }) }, { say: `Your plan: @fields.${plan.key}` }]),
    );
    const c = await journeyContact();
    await startFor(flow.uuid, c.contact);

    // Two hours on, the object's copy is two hours old; the API edits the contact a second before the timer.
    vi.setSystemTime(t0 + 2 * 3600_000 - 1000);
    const edited = await call("PATCH", `/contacts/${c.contact}`, { fields: { [plan.key]: "gold" } });
    expect(edited.status).toBe(200);
    expect(edited.body.fields[plan.key]).toBe("gold");
    vi.setSystemTime(t0 + 2 * 3600_000);
    const { result: cost, sql } = await statements(() => inObject(c.stub, (o) => o.alarm(), "alarm"));

    expect(texts()).toContain("Your plan: gold");
    // Nothing of the contact is read from D1: its one write transaction, and at most the assets'
    // stamp (the PATCH, an API write, makes the isolate check its assets at once).
    expect(sql.filter((q) => /^\s*SELECT\b/i.test(q) && /\b(contacts|contact_urns|group_members)\b/.test(q))).toEqual([]);
    expect(cost.d1Calls - cost.d1Writes).toBeLessThanOrEqual(1);
    expect(cost.d1Writes).toBe(1);
  });

  it("adds 500 contacts to a group with one call to each contact's object, within an invocation's 1,000 subrequests", async () => {
    const group = (await call("POST", "/groups", { name: `Bulk ${unique()}` })).body;
    const at = new Date().toISOString();
    const members = Array.from({ length: 500 }, () => crypto.randomUUID());
    for (let i = 0; i < members.length; i += 30)
      await env.DB.prepare(`INSERT INTO contacts (uuid, status, fields, created_on, modified_on) VALUES ${members.slice(i, i + 30).map(() => "(?, 'active', '{}', ?, ?)").join(", ")}`)
        .bind(...members.slice(i, i + 30).flatMap((u) => [u, at, at]))
        .run();
    // The objects are recorded, not run: this counts the request's own invocation.
    const objects = recordedNamespace();
    const request = new Request(`${ORIGIN}/api/v1/groups/${group.uuid}/members`, {
      method: "POST",
      headers: { authorization: `Bearer ${await apiToken()}`, "content-type": "application/json" },
      body: JSON.stringify({ contacts: members }),
    });
    const ctx = createExecutionContext();
    const { result, cost } = await invocation("members", async () => worker.fetch(request, { ...env, CONTACTS: objects } as unknown as Env, ctx));
    expect(result.status).toBe(200);
    expect(objects.calls).toHaveLength(500);
    expect(new Set(objects.calls.map((o) => o.name))).toEqual(new Set(members));
    expect(objects.calls.every((o) => o.method === "editContact")).toBe(true);
    expect(cost.objectCalls).toBe(500);
    expect(subrequests(cost)).toBeLessThanOrEqual(1000);
    expect(cost.d1Queries).toBeLessThan(20);
  });

  it("adds contacts to a group through their objects: the API lists them at once and a flow sees the group", async () => {
    const group = (await call("POST", "/groups", { name: `Members ${unique()}` })).body;
    const flow = await publishFlow(linearFlow("Groups", "messaging", [{ actions: [say("in @contact.groups")] }]));
    const c = await journeyContact();
    expect((await call("POST", `/groups/${group.uuid}/members`, { contacts: [c.contact] })).status).toBe(200);
    expect((await call("GET", `/contacts?group=${group.uuid}`)).body.results.map((r: { uuid: string }) => r.uuid)).toEqual([c.contact]);
    await startFor(flow.uuid, c.contact);
    expect(texts()).toContain(`in [${group.name}]`);

    // Renamed, the group reaches the object's copy through the assets (no call to each member).
    const renamed = `Renamed ${unique()}`;
    expect((await call("PATCH", `/groups/${group.uuid}`, { name: renamed })).status).toBe(200);
    await startFor(flow.uuid, c.contact);
    expect(texts()).toContain(`in [${renamed}]`);

    expect((await call("DELETE", `/groups/${group.uuid}/members/${c.contact}`)).status).toBe(204);
    expect((await call("GET", `/contacts?group=${group.uuid}`)).body.results).toEqual([]);
    await startFor(flow.uuid, c.contact);
    expect(texts()[texts().length - 1]).toBe("in []");
  });

  it("of the channel a URN was last seen on (the Worker's, in D1) is followed by the object's copy: the next send goes that way", async () => {
    const one = await twilioChannel();
    const two = await twilioChannel();
    const from = phone();
    await postTwilio(one.uuid, twilioSms(one, from, "first"));
    const contact = (await contactByUrn(`tel:${from}`))!;
    await postTwilio(two.uuid, twilioSms(two, from, "second, on another number"));
    const r = await call("POST", "/messages/send", { contact, text: "Which way?" });
    expect(r.status).toBe(201);
    const row = await env.DB.prepare("SELECT channel_uuid FROM messages WHERE uuid = ?").bind(r.body.uuid).first<{ channel_uuid: string }>();
    expect(row?.channel_uuid).toBe(two.uuid);
  });
});
