// Provider status callbacks are written behind (docs/contact-session.md, "Status callbacks"): the
// webhook answers once the D1_WRITES queue has them, and the queue's consumer (the Worker's queue
// handler) applies a batch of them in one D1 transaction, whatever order and however often they come.
// In the counted tests the queue's sends are captured so the test delivers them itself.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import type { QueuedStatuses } from "../../worker/webhooks/statuses";
import { capturedQueue, invocation } from "../limits/count";
import { hex, hmacBytes } from "../channels/support";
import { createChannel, ORIGIN, phone, postTwilio, twilioChannel, twilioSignature, TWILIO_SID, WA } from "../contact/support";

type Channel = { uuid: string; address: string };

/** `n` messages Eddy sent on the channel, with the provider's ids, as their rows stand in D1. */
async function sentMessages(channel: Channel, n: number, status = "wired"): Promise<{ uuid: string; sid: string; to: string }[]> {
  const contact = crypto.randomUUID();
  const at = new Date().toISOString();
  const rows = Array.from({ length: n }, () => ({ uuid: crypto.randomUUID(), sid: `SM${crypto.randomUUID().replace(/-/g, "")}`, to: phone() }));
  await env.DB.prepare("INSERT INTO contacts (uuid, status, fields, created_on, modified_on) VALUES (?, 'active', '{}', ?, ?)").bind(contact, at, at).run();
  // D1 binds at most 100 parameters a query: 12 rows of 8.
  for (let i = 0; i < rows.length; i += 12) {
    const chunk = rows.slice(i, i + 12);
    await env.DB.prepare(
      `INSERT INTO messages (uuid, contact_uuid, channel_uuid, urn, direction, text, external_id, status, created_on, modified_on) VALUES ${chunk.map(() => "(?, ?, ?, ?, 'out', 'Hi', ?, ?, ?, ?)").join(", ")}`,
    )
      .bind(...chunk.flatMap((r) => [r.uuid, contact, channel.uuid, `tel:${r.to}`, r.sid, status, at, at]))
      .run();
  }
  return rows;
}

const callback = (channel: Channel, m: { sid: string; to: string }, status: string) => ({
  MessageSid: m.sid,
  MessageStatus: status,
  AccountSid: TWILIO_SID,
  To: m.to,
  From: channel.address,
  ApiVersion: "2010-04-01",
});

async function statusOf(uuid: string): Promise<string | undefined> {
  return (await env.DB.prepare("SELECT status FROM messages WHERE uuid = ?").bind(uuid).first<{ status: string }>())?.status;
}

/** The Worker's fetch handler, with its D1_WRITES queue captured, counted as one invocation. */
async function signedCallback(queue: Queue, channel: Channel, params: Record<string, string>, signature?: string) {
  const url = `${ORIGIN}/channels/${channel.uuid}/status`;
  const request = new Request(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature ?? (await twilioSignature(url, params)) },
    body: new URLSearchParams(params).toString(),
  });
  const ctx = createExecutionContext();
  const { result, cost } = await invocation("status callback", async () => worker.fetch(request, { ...env, D1_WRITES: queue }, ctx));
  await waitOnExecutionContext(ctx);
  return { status: result.status, cost };
}

let ids = 0;
/** One queue batch delivered to the Worker's queue handler: what it cost, and the bodies it asked to have again. */
async function deliver(bodies: QueuedStatuses[], attempts = 1) {
  const byId = new Map(bodies.map((body) => [`s${++ids}`, body]));
  const batch = createMessageBatch<QueuedStatuses>("eddy-d1-writes", [...byId].map(([id, body]) => ({ id, timestamp: new Date(), attempts, body })));
  const ctx = createExecutionContext();
  const { cost } = await invocation("queue", async () => (worker.queue as ExportedHandlerQueueHandler<Env>)(batch as MessageBatch, env, ctx));
  const result = await getQueueResult(batch as MessageBatch, ctx);
  return { cost, again: result.retryMessages.map((r) => byId.get(r.msgId)!), acked: result.explicitAcks.length };
}

describe("status callbacks, written behind", () => {
  it("land in D1 a moment after the provider's call is answered", async () => {
    const channel = await twilioChannel();
    const [m] = await sentMessages(channel, 1);
    expect((await postTwilio(channel.uuid, callback(channel, m, "sent"), { path: "status" })).status).toBe(200);
    await expect.poll(() => statusOf(m.uuid), { timeout: 10_000 }).toBe("sent");
    expect((await postTwilio(channel.uuid, callback(channel, m, "delivered"), { path: "status" })).status).toBe(200);
    await expect.poll(() => statusOf(m.uuid), { timeout: 10_000 }).toBe("delivered");
  });

  it("cost the webhook no D1 write, and the consumer one transaction per 100 callbacks", { timeout: 120_000 }, async () => {
    const queue = capturedQueue<QueuedStatuses>();
    const channel = await twilioChannel();
    const messages = await sentMessages(channel, 250);
    for (const m of messages) {
      const { status, cost } = await signedCallback(queue, channel, callback(channel, m, "delivered"));
      expect(status).toBe(200);
      // Answered once the queue has it, having written nothing to D1.
      expect(cost).toMatchObject({ d1Writes: 0, queueSends: 1 });
    }
    expect(queue.sent.flatMap((b) => b.statuses)).toHaveLength(250);
    expect(await statusOf(messages[0].uuid)).toBe("wired");

    // Delivered 100 to a batch, as the queue does (max_batch_size).
    let transactions = 0;
    for (let i = 0; i < queue.sent.length; i += 100) {
      const { cost, again } = await deliver(queue.sent.slice(i, i + 100));
      expect(again).toEqual([]);
      transactions += cost.d1Writes;
    }
    expect(transactions).toBeLessThanOrEqual(Math.ceil(250 / 100));
    const rows = await env.DB.prepare(`SELECT status, count(*) AS n FROM messages WHERE channel_uuid = ? GROUP BY status`).bind(channel.uuid).all();
    expect(rows.results).toEqual([{ status: "delivered", n: 250 }]);
  });

  it("end in the furthest status whatever order they come in and however often, a failure outranked only by delivered and read", async () => {
    const queue = capturedQueue<QueuedStatuses>();
    const channel = await twilioChannel();
    const [a, b, c, d] = await sentMessages(channel, 4);
    const calls: [typeof a, string][] = [
      [a, "read"], [a, "delivered"], [a, "sent"], [a, "read"], [a, "undelivered"],
      [b, "sent"], [b, "delivered"], [b, "delivered"], [b, "failed"],
      [c, "sent"], [c, "failed"], [c, "sent"],
      [d, "queued"], [d, "sent"], [d, "sent"],
    ]; // prettier-ignore
    for (const [m, s] of calls) expect((await signedCallback(queue, channel, callback(channel, m, s))).status).toBe(200);
    const bodies = [...queue.sent];
    const expected = { [a.uuid]: "read", [b.uuid]: "delivered", [c.uuid]: "failed", [d.uuid]: "sent" };
    const statuses = async () => Object.fromEntries(await Promise.all([a, b, c, d].map(async (m) => [m.uuid, await statusOf(m.uuid)])));

    // Newest first, each in a batch of its own.
    for (const body of [...bodies].reverse()) expect((await deliver([body])).again).toEqual([]);
    expect(await statuses()).toEqual(expected);
    // All again, in one batch and shuffled: a redelivery changes nothing.
    const shuffled = [...bodies].sort(() => Math.random() - 0.5);
    expect(await deliver(shuffled)).toMatchObject({ again: [], acked: bodies.length });
    expect(await statuses()).toEqual(expected);
  });

  it("that come before their message's row wait on the queue until it lands, and are dropped only after 8 tries", async () => {
    const queue = capturedQueue<QueuedStatuses>();
    const channel = await twilioChannel();
    const early = { sid: `SM${crypto.randomUUID().replace(/-/g, "")}`, to: phone() };
    expect((await signedCallback(queue, channel, callback(channel, early, "delivered"))).status).toBe(200);
    const [body] = queue.sent;
    expect((await deliver([body])).again).toEqual([body]);

    // The row lands (a start's rows are written behind): the next try applies the status.
    const [row] = await sentMessages(channel, 1, "queued");
    await env.DB.prepare("UPDATE messages SET external_id = ? WHERE uuid = ?").bind(early.sid, row.uuid).run();
    expect(await deliver([body], 2)).toMatchObject({ again: [], acked: 1 });
    expect(await statusOf(row.uuid)).toBe("delivered");

    // For a message that never comes (not Eddy's): dropped at the 8th try, not before.
    const stranger = { sid: `SM${crypto.randomUUID().replace(/-/g, "")}`, to: phone() };
    await signedCallback(queue, channel, callback(channel, stranger, "sent"));
    const strange = queue.sent.at(-1)!;
    expect((await deliver([strange], 7)).again).toEqual([strange]);
    expect(await deliver([strange], 8)).toMatchObject({ again: [], acked: 1 });
  });

  it("in one WhatsApp notification of 250 statuses, land in one consumer transaction", { timeout: 60_000 }, async () => {
    const uuid = await createChannel("whatsapp_cloud", `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`, { phone_number_id: WA.phoneId, access_token: WA.token, app_secret: WA.appSecret, verify_token: WA.verifyToken });
    const channel = { uuid, address: "" };
    const messages = await sentMessages(channel, 250);
    const at = String(Math.floor(Date.now() / 1000));
    const notification = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: WA.phoneId },
                statuses: messages.map((m, i) => ({ id: m.sid, status: i % 2 ? "read" : "delivered", timestamp: at, recipient_id: m.to.slice(1) })),
              },
            },
          ],
        },
      ],
    };
    const queue = capturedQueue<QueuedStatuses>();
    const captured = { ...env, D1_WRITES: queue };
    // Through the Worker with the queue captured: the signed body as Meta posts it.
    const body = JSON.stringify(notification);
    const signed = new Request(`${ORIGIN}/channels/${uuid}/receive`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=" + hex(await hmacBytes("SHA-256", WA.appSecret, body)) },
      body,
    });
    const ctx = createExecutionContext();
    const { result, cost } = await invocation("whatsapp statuses", async () => worker.fetch(signed, captured, ctx));
    await waitOnExecutionContext(ctx);
    expect(result.status).toBe(200);
    // 100 statuses to a queue message, in one send; nothing written to D1.
    expect(cost).toMatchObject({ d1Writes: 0, queueSends: 1 });
    expect(queue.sent.map((b) => b.statuses.length)).toEqual([100, 100, 50]);

    const { cost: consumed, again } = await deliver(queue.sent);
    expect(again).toEqual([]);
    expect(consumed.d1Writes).toBe(1);
    const rows = await env.DB.prepare(`SELECT status, count(*) AS n FROM messages WHERE channel_uuid = ? GROUP BY status ORDER BY status`).bind(uuid).all();
    expect(rows.results).toEqual([
      { status: "delivered", n: 125 },
      { status: "read", n: 125 },
    ]);
  });

  it("are refused with a bad signature and not queued", async () => {
    const queue = capturedQueue<QueuedStatuses>();
    const channel = await twilioChannel();
    const [m] = await sentMessages(channel, 1);
    expect((await signedCallback(queue, channel, callback(channel, m, "delivered"), "d3Jvbmc=")).status).toBe(403);
    expect(queue.sent).toEqual([]);
  });
});
