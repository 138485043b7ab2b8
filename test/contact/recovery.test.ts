// Crash recovery: an inbound message is accepted and stored, then its processing dies (the engine
// call throws, as when the isolate is reset; the send fails); the alarm processes it later, it is never lost, and nothing
// is sent twice.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { http, HttpResponse } from "msw";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { engine } from "../../durable/contact/context";
import { call, contactByUrn, contactObject, EXAMPLE, exampleAssets, HOOK, messagesOf, phone, postTwilio, publishFlow, runsOf, twilioChannel, twilioOutbox, twilioSms } from "./support";

const twilio = twilioOutbox(http.post(HOOK, () => HttpResponse.json({ code: "AB12" })));
const { sent } = twilio;
beforeAll(() => exampleAssets());
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const texts = () => sent.map((s) => s.body.split("\n")[0]);

/** A contact waiting at the example flow's question ("how old are you?"), which went out once. */
async function waitingContact() {
  const channel = await twilioChannel();
  const flow = await publishFlow(EXAMPLE);
  const from = phone();
  await postTwilio(channel.uuid, twilioSms(channel, from, "hi"));
  const contact = (await contactByUrn(`tel:${from}`))!;
  expect((await call("POST", `/flows/${flow.uuid}/start`, { contacts: [contact] })).body).toMatchObject({ started: 1 });
  expect(texts()).toEqual(["Hi , how old are you?"]);
  return { channel, from, contact, stub: contactObject(contact) };
}

describe("an accepted message whose processing dies", () => {
  it("is processed by the alarm after its handling throws half-way, once", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    const c = await waitingContact();

    // The isolate dies half-way through handling the reply (anything that isn't an engine error).
    vi.spyOn(engine, "resume").mockRejectedValueOnce(new Error("isolate reset"));
    const answer = twilioSms(c.channel, c.from, "I'm 30");
    expect((await postTwilio(c.channel.uuid, answer)).status).toBe(200);
    expect(texts()).toEqual(["Hi , how old are you?"]);
    // Stored and still pending; the alarm is armed to pick it up.
    const state = await c.stub.state();
    expect(state.session).toMatchObject({ status: "waiting" });
    expect(state.alarm).not.toBeNull();
    expect((await messagesOf(c.contact)).filter((m) => m.direction === "in" && m.text === "I'm 30")).toEqual([]);

    // The provider redelivers meanwhile: a duplicate, acknowledged, nothing more.
    expect((await postTwilio(c.channel.uuid, answer)).status).toBe(200);

    vi.setSystemTime(t0 + 30_000);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["Hi , how old are you?", "Thanks! Your code is AB12"]);
    const inbound = (await messagesOf(c.contact)).filter((m) => m.direction === "in" && m.text === "I'm 30");
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ status: "handled" });
    expect((await runsOf(c.contact)).map((r) => r.status)).toEqual(["completed"]);

    // Alarms are at least once: again, nothing is sent twice.
    vi.setSystemTime(t0 + 120_000);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toHaveLength(2);
    expect(await c.stub.state()).toMatchObject({ session: null, timers: [] });
  });

  it("keeps the reply of a processed message when its send fails, and the alarm sends it once", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    const c = await waitingContact();
    twilio.down();
    await postTwilio(c.channel.uuid, twilioSms(c.channel, c.from, "I'm 30"));
    expect(texts()).toEqual(["Hi , how old are you?"]);
    const reply = (await c.stub.state()).outbox.find((m) => m.state === "pending")!;
    expect(reply).toMatchObject({ text: "Thanks! Your code is AB12", attempts: 1 });
    twilio.up();
    vi.setSystemTime(reply.next_attempt_at);
    await runDurableObjectAlarm(c.stub);
    vi.setSystemTime(reply.next_attempt_at + 3600_000);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["Hi , how old are you?", "Thanks! Your code is AB12"]);
    const row = await env.DB.prepare("SELECT status FROM messages WHERE uuid = ?").bind(reply.uuid).first<{ status: string }>();
    expect(row?.status).toBe("wired");
  });

  it("writes D1 in the order it decided, after D1 failed for a while: the reply's status never lands before its row", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    const c = await waitingContact();
    const REPLY = "Thanks! Your code is AB12";
    // D1 refuses the first three writes that carry the reply's row: the flush after the reply
    // (its batch, then the row's entry alone, which then backs off) and the alarm's first batch.
    let refusals = 3;
    const d1 = Object.getPrototypeOf(env.DB) as D1Database;
    const batch = d1.batch;
    vi.spyOn(d1, "batch").mockImplementation(async function (this: D1Database, statements: D1PreparedStatement[]) {
      const carriesReply = statements.some((st) => (st as unknown as { params?: unknown[] }).params?.includes(REPLY));
      if (carriesReply && refusals > 0) {
        refusals--;
        throw new Error("D1_ERROR: overloaded");
      }
      return batch.call(this, statements);
    } as D1Database["batch"]);
    await postTwilio(c.channel.uuid, twilioSms(c.channel, c.from, "I'm 30"));
    expect(texts()).toEqual(["Hi , how old are you?", REPLY]);
    expect(refusals).toBe(1);
    const reply = (await c.stub.state()).outbox.find((m) => m.text === REPLY)!;

    vi.setSystemTime(t0 + 60_000);
    await runDurableObjectAlarm(c.stub);
    const row = await env.DB.prepare("SELECT status FROM messages WHERE uuid = ?").bind(reply.uuid).first<{ status: string }>();
    expect(row?.status).toBe("wired");
  });
});
