import { env } from "cloudflare:workers";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import {
  basic,
  contactByUrn,
  contactObject,
  EXAMPLE,
  exampleAssets,
  HOOK,
  keywordTrigger,
  linearFlow,
  messagesOf,
  ORIGIN,
  phone,
  postTwilio,
  publishFlow,
  runsOf,
  say,
  twilioChannel,
  twilioSms,
  TWILIO_API,
  TWILIO_SID,
  TWILIO_TOKEN,
} from "../contact/support";

type Sent = { auth: string | null; form: URLSearchParams };
let sent: Sent[] = [];

const server = setupServer();
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  await exampleAssets();
});
afterEach(() => {
  server.resetHandlers();
  sent = [];
  vi.useRealTimers();
});
afterAll(() => server.close());

/** Twilio's Messages API; `failFirst` requests get a 500 first (not counted as sent). */
function twilioAccepts(failFirst = 0) {
  let calls = 0;
  server.use(
    http.post(TWILIO_API, async ({ request }) => {
      const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
      if (++calls <= failFirst) return HttpResponse.json({ code: 20500, message: "Internal Server Error" }, { status: 500 });
      sent.push({ auth: request.headers.get("authorization"), form });
      return HttpResponse.json({ sid: `SM${crypto.randomUUID().replace(/-/g, "")}`, status: "queued" }, { status: 201 });
    }),
    http.post(HOOK, () => HttpResponse.json({ code: "AB12" })),
  );
}

describe("a Twilio SMS conversation", () => {
  it("drives the example flow to the end from a signed keyword message, replying through Twilio's API", async () => {
    twilioAccepts();
    const channel = await twilioChannel();
    const flow = await publishFlow(EXAMPLE);
    await keywordTrigger(flow.uuid, channel.uuid, "age");
    const from = phone();

    const first = await postTwilio(channel.uuid, twilioSms(channel, from, "age"));
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("text/xml");
    expect(await first.text()).toContain("<Response/>");

    // The keyword answers the question's wait ("age" is not a number), so the question comes again and waits.
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      expect(s.form.get("Body")).toMatch(/^Hi , how old are you\?/);
      expect(s.auth).toBe(basic(TWILIO_SID, TWILIO_TOKEN));
      expect(s.form.get("To")).toBe(from);
      expect(s.form.get("From")).toBe(channel.address);
      expect(s.form.get("StatusCallback")).toBe(`${ORIGIN}/channels/${channel.uuid}/status`);
    }

    const second = await postTwilio(channel.uuid, twilioSms(channel, from, "I am 25"));
    expect(second.status).toBe(200);
    expect(sent.map((s) => s.form.get("Body"))[2]).toBe("Thanks! Your code is AB12");
    expect(sent).toHaveLength(3);

    const contact = (await contactByUrn(`tel:${from}`))!;
    const msgs = await messagesOf(contact);
    expect(msgs.filter((m) => m.direction === "in").map((m) => m.text)).toEqual(["age", "I am 25"]);
    expect(msgs.filter((m) => m.direction === "out").every((m) => m.status === "wired" && m.external_id)).toBe(true);
    const [run] = await runsOf(contact);
    expect(run).toMatchObject({ flow_uuid: flow.uuid, flow_version: 1, status: "completed" });
    expect(run.results.age).toMatchObject({ value: "25", category: "Valid", input: "I am 25" });
    const row = await env.DB.prepare("SELECT fields FROM contacts WHERE uuid = ?").bind(contact).first<{ fields: string }>();
    expect(JSON.parse(row!.fields)).toEqual({ age: 25 });
    const results = await env.DB.prepare("SELECT key, value, category FROM run_results WHERE run_uuid = ?").bind(run.uuid).all();
    expect(results.results).toEqual([{ key: "age", value: "25", category: "Valid" }]);
  });
});

/** A keyword flow that answers once and ends. */
async function echoSetup() {
  const channel = await twilioChannel();
  const flow = await publishFlow(linearFlow("Echo", "messaging", [{ actions: [say("Got it")] }]));
  await keywordTrigger(flow.uuid, channel.uuid, "hello");
  return { channel, flow };
}

describe("Twilio webhooks", () => {
  it("rejects a bad or missing signature with 403 and stores nothing", async () => {
    twilioAccepts();
    const { channel } = await echoSetup();
    const from = phone();
    const params = twilioSms(channel, from, "hello");
    expect((await postTwilio(channel.uuid, params, { signature: "bm90IGEgc2lnbmF0dXJl" })).status).toBe(403);
    expect((await postTwilio(channel.uuid, params, { signature: "" })).status).toBe(403);
    expect(await contactByUrn(`tel:${from}`)).toBeUndefined();
    const count = await env.DB.prepare("SELECT count(*) AS n FROM messages WHERE urn = ?").bind(`tel:${from}`).first<{ n: number }>();
    expect(count!.n).toBe(0);
    expect(sent).toEqual([]);
  });

  it("answers 404 for an unknown channel", async () => {
    expect((await postTwilio(crypto.randomUUID(), { MessageSid: "SM1", From: phone(), Body: "x" })).status).toBe(404);
  });

  it("gives one message and one reply for the same webhook delivered five times", async () => {
    twilioAccepts();
    const { channel } = await echoSetup();
    const from = phone();
    const params = twilioSms(channel, from, "hello");
    for (let i = 0; i < 3; i++) expect((await postTwilio(channel.uuid, params)).status).toBe(200);
    await Promise.all([postTwilio(channel.uuid, params), postTwilio(channel.uuid, params)]);
    const contact = (await contactByUrn(`tel:${from}`))!;
    const msgs = await messagesOf(contact);
    expect(msgs.map((m) => [m.direction, m.text])).toEqual([
      ["in", "hello"],
      ["out", "Got it"],
    ]);
    expect(sent).toHaveLength(1);
  });

  it("takes the same text twice within the window as one message when the provider gives no id", async () => {
    twilioAccepts();
    const { channel } = await echoSetup();
    const from = phone();
    // MessageSid is required by Twilio's format, so the content window is exercised through the object directly.
    await postTwilio(channel.uuid, twilioSms(channel, from, "hello"));
    const contact = (await contactByUrn(`tel:${from}`))!;
    const again = { channelUuid: channel.uuid, urn: `tel:${from}`, text: "hello again", attachments: [], receivedOn: new Date().toISOString() };
    const stub = contactObject(contact);
    const [a] = await stub.receive(contact, ORIGIN, [again]);
    const [b] = await stub.receive(contact, ORIGIN, [again]);
    expect(a.duplicate).toBe(false);
    expect(b).toEqual({ uuid: a.uuid, duplicate: true });
    expect((await messagesOf(contact)).filter((m) => m.direction === "in").map((m) => m.text)).toEqual(["hello", "hello again"]);
  });

  it("retries a send that got a 500 and delivers exactly one reply", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now());
    twilioAccepts(1);
    const { channel } = await echoSetup();
    const from = phone();
    expect((await postTwilio(channel.uuid, twilioSms(channel, from, "hello"))).status).toBe(200);
    const contact = (await contactByUrn(`tel:${from}`))!;
    expect(sent).toHaveLength(0);
    const [queued] = (await messagesOf(contact)).filter((m) => m.direction === "out");
    expect(queued.status).toBe("errored");

    const stub = contactObject(contact);
    const { outbox } = await stub.state();
    expect(outbox).toMatchObject([{ state: "pending", attempts: 1 }]);
    // Not before the backoff has passed.
    await runDurableObjectAlarm(stub);
    expect(sent).toHaveLength(0);

    vi.setSystemTime(outbox[0].next_attempt_at + 1);
    await runDurableObjectAlarm(stub);
    expect(sent.map((s) => s.form.get("Body"))).toEqual(["Got it"]);
    await runDurableObjectAlarm(stub);
    expect(sent).toHaveLength(1);
    const [out] = (await messagesOf(contact)).filter((m) => m.direction === "out");
    expect(out).toMatchObject({ status: "wired", text: "Got it" });
    expect(out.external_id).toMatch(/^SM/);
    expect((await stub.state()).outbox).toMatchObject([{ state: "sent", attempts: 1 }]);
  });

  it("applies status callbacks to the message they name, and refuses one with a bad signature", async () => {
    twilioAccepts();
    const { channel } = await echoSetup();
    const from = phone();
    await postTwilio(channel.uuid, twilioSms(channel, from, "hello"));
    const contact = (await contactByUrn(`tel:${from}`))!;
    const [out] = (await messagesOf(contact)).filter((m) => m.direction === "out");
    const status = (s: string) => ({ MessageSid: out.external_id, MessageStatus: s, AccountSid: TWILIO_SID, To: from, From: channel.address, ApiVersion: "2010-04-01" });

    const statusOfOut = async () => (await messagesOf(contact)).find((m) => m.uuid === out.uuid)!.status;

    // Written behind (test/webhooks/statuses.test.ts): they land a moment after the answer.
    const res = await postTwilio(channel.uuid, status("delivered"), { path: "status" });
    expect(res.status).toBe(200);
    await expect.poll(statusOfOut, { timeout: 10_000 }).toBe("delivered");
    expect((await postTwilio(channel.uuid, status("read"), { path: "status", signature: "d3Jvbmc=" })).status).toBe(403);
    // Out of order and repeated callbacks: test/webhooks/statuses.test.ts delivers the queue's batches itself.
  });
});
