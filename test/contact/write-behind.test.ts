// D1 written behind across contacts (docs/contact-session.md, "Written behind"): a start's contact
// objects hand their D1 changes to the D1_WRITES queue, and its consumer (the Worker's queue
// handler) writes many contacts' in one transaction, whatever order and however often the queue
// delivers them. The queue's sends are captured here so the test delivers them itself, counted.
import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WrittenBehind } from "../../durable/contact/d1-writes";
import worker from "../../worker/index";
import { isQueuedStatuses, type QueuedStatuses } from "../../worker/webhooks/statuses";
import { invocation, takeInvocations } from "../limits/count";
import { settled, startNow } from "../starts/support";
import { countContactInvocations } from "./entry-points";
import { landed } from "./landed";
import { call, contactByUrn, contactObject, linearFlow, messagesOf, phone, postTwilio, publishFlow, runsOf, say, twilioChannel, twilioOutbox, twilioSms, TWILIO_SID, unique } from "./support";

const { sent } = twilioOutbox();

type Body = WrittenBehind | QueuedStatuses;
const captured: Body[] = [];
const isWrittenBehind = (b: unknown): b is WrittenBehind => !!b && typeof b === "object" && "contact" in b && "entries" in b;
let restore: () => void;
beforeAll(() => {
  countContactInvocations();
  // Every Queue binding shares one prototype: the contact objects' sends to D1_WRITES are kept here instead of delivered.
  const proto = Object.getPrototypeOf(env.D1_WRITES) as { sendBatch: (m: Iterable<MessageSendRequest>, o?: unknown) => Promise<void> };
  const original = proto.sendBatch;
  proto.sendBatch = function (messages, options) {
    const list = [...messages];
    if (list.every((m) => isWrittenBehind(m.body) || isQueuedStatuses(m.body))) {
      captured.push(...list.map((m) => m.body as Body));
      return Promise.resolve();
    }
    return original.call(this, list, options);
  };
  restore = () => (proto.sendBatch = original);
});
afterAll(() => restore());

let ids = 0;
/** Delivers these messages as one queue batch to the Worker's queue handler; returns what it cost and the bodies it asked to have again. */
async function deliver(bodies: Body[], attempts = 1) {
  const byId = new Map(bodies.map((body) => [`w${++ids}`, body]));
  const batch = createMessageBatch<Body>("eddy-d1-writes", [...byId].map(([id, body]) => ({ id, timestamp: new Date(), attempts, body })));
  const ctx = createExecutionContext();
  const { cost } = await invocation("queue", async () => (worker.queue as ExportedHandlerQueueHandler<Env>)(batch as MessageBatch, env, ctx));
  const result = await getQueueResult(batch as MessageBatch, ctx);
  return { cost, again: result.retryMessages.map((r) => byId.get(r.msgId)!), acked: result.explicitAcks.length };
}

/** Delivers everything captured, 100 to a batch as the queue does, until nothing is asked again; returns the D1 write transactions made. */
async function drain(): Promise<number> {
  let writes = 0;
  for (let round = 0; captured.length && round < 50; round++) {
    const batch = captured.splice(0, 100);
    const r = await deliver(batch);
    writes += r.cost.d1Writes;
    captured.push(...r.again);
  }
  expect(captured).toEqual([]);
  return writes;
}

/** `n` active contacts with phone numbers in a new group, written to D1 in bulk. */
async function groupOf(n: number): Promise<{ uuid: string; contacts: string[] }> {
  const group = (await call("POST", "/groups", { name: `Crowd ${unique()}` })).body;
  const at = new Date().toISOString();
  const rows = Array.from({ length: n }, () => ({ uuid: crypto.randomUUID(), tel: phone() }));
  for (let i = 0; i < rows.length; i += 20) {
    const chunk = rows.slice(i, i + 20);
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO contacts (uuid, status, fields, created_on, modified_on) VALUES ${chunk.map(() => "(?, 'active', '{}', ?, ?)").join(", ")}`).bind(...chunk.flatMap((r) => [r.uuid, at, at])),
      env.DB.prepare(`INSERT INTO contact_urns (scheme, path, contact_uuid, priority) VALUES ${chunk.map(() => "('tel', ?, ?, 0)").join(", ")}`).bind(...chunk.flatMap((r) => [r.tel, r.uuid])),
      env.DB.prepare(`INSERT INTO group_members (group_uuid, contact_uuid) VALUES ${chunk.map(() => "(?, ?)").join(", ")}`).bind(...chunk.flatMap((r) => [group.uuid, r.uuid])),
    ]);
  }
  return { uuid: group.uuid, contacts: rows.map((r) => r.uuid) };
}

describe("D1 written behind", () => {
  it("costs a start at most 0.05 D1 write transactions per started contact, and lands every contact's run, field and message", async () => {
    await twilioChannel(1000);
    const key = `wave_${unique()}`;
    expect((await call("POST", "/fields", { key, name: key, type: "text" })).status).toBe(201);
    const flow = await publishFlow(linearFlow("Wave", "messaging_background", [{ actions: [{ type: "set_contact_field", field: { key, name: key }, value: "reached" }, say("Hello from the wave")] }]));
    const crowd = await groupOf(100);
    takeInvocations();

    const start = await settled((await startNow({ flow: flow.uuid, audience: { groups: [crowd.uuid] } })).uuid);
    expect(start.progress).toMatchObject({ started: 100 });
    // Nothing is in D1 until the consumer runs.
    expect(await runsOf(crowd.contacts[0])).toEqual([]);
    const consumerWrites = await drain();
    for (const c of crowd.contacts) await landed(c);
    const objectWrites = takeInvocations()
      .filter((u) => u.name.startsWith("ContactSession."))
      .reduce((n, u) => n + u.d1Writes, 0);
    const perContact = (objectWrites + consumerWrites) / 100;
    console.log(`D1 write transactions per started contact: ${perContact.toFixed(3)} (objects ${objectWrites}, queue consumer ${consumerWrites}, 100 contacts)`);
    expect(perContact).toBeLessThanOrEqual(0.05);

    const rows = await env.DB.prepare(
      `SELECT (SELECT count(*) FROM runs WHERE flow_uuid = ?1) AS runs,
              (SELECT count(*) FROM contacts c JOIN group_members g ON g.contact_uuid = c.uuid WHERE g.group_uuid = ?2 AND json_extract(c.fields, '$.' || ?3) = 'reached') AS fields,
              (SELECT count(*) FROM messages m JOIN group_members g ON g.contact_uuid = m.contact_uuid WHERE g.group_uuid = ?2 AND m.text = 'Hello from the wave') AS messages`,
    )
      .bind(flow.uuid, crowd.uuid, key)
      .first<{ runs: number; fields: number; messages: number }>();
    expect(rows).toEqual({ runs: 100, fields: 100, messages: 100 });
    expect(sent.filter((s) => s.body === "Hello from the wave")).toHaveLength(100);
  }, 120_000);

  describe("the consumer, whatever the queue's order and redeliveries", () => {
    /** A message of one contact's entries; each entry adds one to a counter field (not idempotent: applied twice, it shows) and records its seq. */
    const entries = (contact: string, seqs: number[]): WrittenBehind => ({
      contact,
      entries: seqs.map((seq) => ({
        seq,
        statements: [
          {
            sql: "UPDATE contacts SET fields = json_set(fields, '$.applied', coalesce(json_extract(fields, '$.applied'), 0) + 1, '$.last', ?), modified_on = ? WHERE uuid = ?",
            params: [seq, new Date().toISOString(), contact],
          },
        ],
      })),
    });
    const fields = async (contact: string) => (await call("GET", `/contacts/${contact}`)).body.fields as { applied?: number; last?: number };

    it("applies each entry once, in order: later ones wait for the earlier, redelivered ones are acknowledged and left out", async () => {
      const contact = (await call("POST", "/contacts", { name: "Ordered", urns: [`tel:${phone()}`] })).body.uuid as string;

      // 2 and 3 before 1: both wait, nothing applied.
      let r = await deliver([entries(contact, [3]), entries(contact, [2])]);
      expect(r.again).toHaveLength(2);
      expect(await fields(contact)).toEqual({});

      // 1 arrives: it lands alone.
      r = await deliver([entries(contact, [1])]);
      expect(r.again).toEqual([]);
      expect(await fields(contact)).toEqual({ applied: 1, last: 1 });

      // 3, 1 again, 2 and a resend of 2..4 (an object that died before it knew 2 and 3 were taken): 2, 3, 4 land once each.
      r = await deliver([entries(contact, [3]), entries(contact, [1]), entries(contact, [2]), entries(contact, [2, 3, 4])]);
      expect(r.again).toEqual([]);
      expect(await fields(contact)).toEqual({ applied: 4, last: 4 });

      // Everything once more, shuffled: nothing changes.
      r = await deliver([entries(contact, [2, 3, 4]), entries(contact, [4]), entries(contact, [1])]);
      expect(r.again).toEqual([]);
      expect(await fields(contact)).toEqual({ applied: 4, last: 4 });
    });

    it("writes many contacts in one transaction; one contact's missing entry holds up only that contact", async () => {
      const contacts: string[] = [];
      for (let i = 0; i < 5; i++) contacts.push((await call("POST", "/contacts", { name: `Many ${i}`, urns: [`tel:${phone()}`] })).body.uuid);
      const r = await deliver([...contacts.map((c) => entries(c, [1, 2])), entries(contacts[0], [4])]);
      expect(r.cost.d1Writes).toBe(1);
      expect(r.again).toEqual([entries(contacts[0], [4])].map((m) => expect.objectContaining({ contact: m.contact })));
      for (const c of contacts) expect(await fields(c)).toEqual({ applied: 2, last: 2 });
    });
  });

  it("keeps a contact's own writes behind its start's: a reply written while the start's are queued follows them, and both land in order", async () => {
    const ch = await twilioChannel(1000);
    const flow = await publishFlow(linearFlow("Ask", "messaging", [{ actions: [say("Coming on Friday?")], wait: true }, { actions: [say("Noted: @input.text")] }]));
    const from = phone();
    const contact = (await call("POST", "/contacts", { name: "Replier", urns: [`tel:${from}`] })).body.uuid as string;
    await settled((await startNow({ flow: flow.uuid, audience: { contacts: [contact] } })).uuid);
    expect(captured.length).toBeGreaterThan(0);

    // Twilio says the question was delivered before its row is in D1: the callback waits on the queue for the row.
    const statements = captured.filter(isWrittenBehind).flatMap((b) => b.entries.flatMap((e) => e.statements));
    const sid = statements.find((st) => st.sql.startsWith("UPDATE messages SET external_id"))!.params[0] as string;
    // The question went out on the first Twilio channel (the contact's URN has none of its own), so its callback comes there.
    const sentOn = statements.find((st) => st.sql.startsWith("INSERT INTO messages"))!.params[2] as string;
    const delivered = { MessageSid: sid, MessageStatus: "delivered", AccountSid: TWILIO_SID, To: from, From: ch.address, ApiVersion: "2010-04-01" };
    expect((await postTwilio(sentOn, delivered, { path: "status" })).status).toBe(200);

    // More than the few seconds later that writes follow the queue by themselves: the reply is written through, its
    // guard finds the start's entries not landed, and its writes follow them into the queue.
    await runInDurableObject(contactObject(contact), async (_, state) => void state.storage.sql.exec("DELETE FROM meta WHERE key = 'follow_queue_until'"));
    expect((await postTwilio(ch.uuid, twilioSms(ch, from, "yes"))).status).toBe(200);
    expect(sent.filter((s) => s.to === from).map((s) => s.body)).toEqual(["Coming on Friday?", "Noted: yes"]);
    expect(await messagesOf(contact)).toEqual([]);

    // Delivered newest first: the reply's writes wait for the start's.
    captured.reverse();
    await drain();
    await landed(contact);
    expect((await messagesOf(contact)).map((m) => [m.direction, m.text, m.direction === "out" ? m.status : "handled"])).toEqual([
      ["out", "Coming on Friday?", "delivered"],
      ["in", "yes", "handled"],
      ["out", "Noted: yes", "wired"],
    ]);
    expect((await runsOf(contact)).map((r) => [r.flow_uuid, r.status])).toEqual([[flow.uuid, "completed"]]);
    expect(await contactByUrn(`tel:${from}`)).toBe(contact);
  });
});
