import { runDurableObjectAlarm } from "cloudflare:test";
import { delay, http, HttpResponse } from "msw";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { inbound } from "../../durable/contact/contact-session";
import { REPLY_SHARE } from "../../durable/rate/channel-rate";
import {
  call,
  contactByUrn,
  contactObject,
  EXAMPLE,
  exampleAssets,
  HOOK,
  keywordTrigger,
  linearFlow,
  messagesOf,
  phone,
  postTwilio,
  publishFlow,
  runsOf,
  say,
  twilioChannel,
  twilioOutbox,
  twilioSms,
} from "./support";

const { answerWithinMs } = inbound;
const twilio = twilioOutbox(http.post(HOOK, () => HttpResponse.json({ code: "AB12" })));
const { sent, server } = twilio;
beforeAll(() => exampleAssets());
afterEach(() => {
  vi.useRealTimers();
  inbound.answerWithinMs = answerWithinMs;
});

const texts = () => sent.map((s) => s.body.split("\n")[0]);

/** A contact who has written to a Twilio channel once (so replies go back through it), in no flow. */
async function newContact(sendsPerSecond?: number) {
  const channel = await twilioChannel(sendsPerSecond);
  const from = phone();
  await postTwilio(channel.uuid, twilioSms(channel, from, "hi there"));
  const contact = (await contactByUrn(`tel:${from}`))!;
  const reply = (text: string) => postTwilio(channel.uuid, twilioSms(channel, from, text));
  return { channel, from, contact, reply, stub: contactObject(contact) };
}

async function start(flow: string, contacts: string[], extra: Record<string, unknown> = {}) {
  const r = await call("POST", `/flows/${flow}/start`, { contacts, ...extra });
  expect(r.status).toBe(200);
  return r.body;
}

const MINUTE = 60_000;

describe("starting flows for a contact", () => {
  it("runs a background flow alongside the messaging session without touching its wait", async () => {
    const example = await publishFlow(EXAMPLE);
    const background = await publishFlow(linearFlow("Background", "messaging_background", [{ actions: [say("Background hello")] }]));
    const c = await newContact();
    expect(await start(example.uuid, [c.contact])).toMatchObject({ started: 1, results: [{ contact: c.contact, status: "started" }] });
    const before = await c.stub.state();
    expect(before.session).toMatchObject({ status: "waiting", flow: { uuid: example.uuid } });

    expect(await start(background.uuid, [c.contact])).toMatchObject({ started: 1 });
    const after = await c.stub.state();
    expect(after.session).toEqual(before.session);
    expect(after.timers).toEqual(before.timers);
    expect(texts()).toEqual(["Hi , how old are you?", "Background hello"]);

    await c.reply("I'm 30");
    expect(texts()[2]).toBe("Thanks! Your code is AB12");
    const runs = await runsOf(c.contact);
    expect(runs.map((r) => [r.flow_uuid, r.status])).toEqual([
      [example.uuid, "completed"],
      [background.uuid, "completed"],
    ]);
  });

  it("interrupts the waiting session when another messaging flow starts, or skips the contact if asked to", async () => {
    const example = await publishFlow(EXAMPLE);
    const other = await publishFlow(linearFlow("Other", "messaging", [{ actions: [say("Something else?")], wait: true }, { actions: [say("Noted: @input.text")] }]));
    const c = await newContact();
    await start(example.uuid, [c.contact]);

    expect(await start(other.uuid, [c.contact], { interrupt: false })).toMatchObject({ skipped: 1, results: [{ status: "skipped" }] });
    expect((await c.stub.state()).session).toMatchObject({ flow: { uuid: example.uuid } });

    expect(await start(other.uuid, [c.contact])).toMatchObject({ started: 1 });
    const state = await c.stub.state();
    expect(state.session).toMatchObject({ status: "waiting", flow: { uuid: other.uuid } });
    expect(state.timers.every((t) => t.session_uuid === state.session!.uuid)).toBe(true);

    await c.reply("blue");
    expect(texts()).toEqual(["Hi , how old are you?", "Something else?", "Noted: blue"]);
    expect((await runsOf(c.contact)).map((r) => [r.flow_uuid, r.status])).toEqual([
      [example.uuid, "interrupted"],
      [other.uuid, "completed"],
    ]);
  });

  it("reports contacts it can't start and refuses flows that aren't published", async () => {
    const draft = await call("POST", "/flows", { name: "Draft only", type: "messaging" });
    expect((await call("POST", `/flows/${draft.body.uuid}/start`, { contacts: [crypto.randomUUID()] })).status).toBe(422);
    expect((await call("POST", `/flows/${crypto.randomUUID()}/start`, { contacts: [crypto.randomUUID()] })).status).toBe(404);
    const flow = await publishFlow(linearFlow("Quiet", "messaging", [{ actions: [] }]));
    const nobody = crypto.randomUUID();
    expect(await start(flow.uuid, [nobody])).toMatchObject({ failed: 1, results: [{ contact: nobody, status: "failed", reason: "no such contact" }] });
  });
});

describe("routing an inbound message", () => {
  it("goes to a keyword's flow, else the waiting session, else the catch-all, else is only logged", async () => {
    const c = await newContact();
    const logged = (await messagesOf(c.contact)).find((m) => m.text === "hi there")!;
    expect(logged).toMatchObject({ direction: "in", status: "handled", flow_uuid: null });

    const keyword = await publishFlow(linearFlow("Keyword", "messaging", [{ actions: [say("keyword flow")] }]));
    const fallback = await publishFlow(linearFlow("Fallback", "messaging", [{ actions: [say("catch all")] }]));
    const waiting = await publishFlow(linearFlow("Waiting", "messaging", [{ actions: [], wait: true }, { actions: [say("waiting got @input.text")] }]));
    const deaf = await publishFlow(linearFlow("Deaf", "messaging", [{ actions: [], wait: true }, { actions: [say("deaf got @input.text")] }]), { ignore_keywords: true });
    expect((await call("POST", "/triggers", { type: "keyword", flow: keyword.uuid, channel: c.channel.uuid, keywords: ["join"], match_type: "first_word" })).status).toBe(201);
    expect((await call("POST", "/triggers", { type: "catch_all", flow: fallback.uuid, channel: c.channel.uuid })).status).toBe(201);

    await c.reply("hello");
    await start(waiting.uuid, [c.contact]);
    await c.reply("join me");
    await start(waiting.uuid, [c.contact]);
    await c.reply("blue");
    await start(deaf.uuid, [c.contact]);
    await c.reply("JOIN");
    expect(texts()).toEqual(["catch all", "keyword flow", "waiting got blue", "deaf got JOIN"]);
    const runs = await runsOf(c.contact);
    expect(runs.map((r) => [r.flow_uuid, r.status])).toEqual([
      [fallback.uuid, "completed"],
      [waiting.uuid, "interrupted"],
      [keyword.uuid, "completed"],
      [waiting.uuid, "completed"],
      [deaf.uuid, "completed"],
    ]);
    const handled = (await messagesOf(c.contact)).filter((m) => m.direction === "in").map((m) => [m.text, m.flow_uuid]);
    expect(handled).toEqual([
      ["hi there", null],
      ["hello", fallback.uuid],
      ["join me", keyword.uuid],
      ["blue", waiting.uuid],
      ["JOIN", deaf.uuid],
    ]);
  });
});

describe("timers", () => {
  it("fires a wait's timeout through the alarm, counted from when the provider accepted the question", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    const example = await publishFlow(EXAMPLE);
    const c = await newContact();
    twilio.failNext(1);
    await start(example.uuid, [c.contact]);
    // The question hasn't gone out yet, so its timeout isn't counting.
    let timers = (await c.stub.state()).timers;
    expect(timers.find((t) => t.kind === "wait_timeout")).toMatchObject({ due_at: null, seconds: 3600 });
    expect(timers.find((t) => t.kind === "wait_expiration")!.due_at).toBe(t0 + 1440 * MINUTE);

    const accepted = t0 + 10 * MINUTE;
    vi.setSystemTime(accepted);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["Hi , how old are you?"]);
    timers = (await c.stub.state()).timers;
    expect(timers.find((t) => t.kind === "wait_timeout")!.due_at).toBe(accepted + 60 * MINUTE);

    vi.setSystemTime(t0 + 65 * MINUTE);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toHaveLength(1);

    vi.setSystemTime(accepted + 60 * MINUTE);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["Hi , how old are you?", "No problem, we'll ask again tomorrow."]);
    const [run] = await runsOf(c.contact);
    expect(run).toMatchObject({ status: "completed" });
    expect(run.results.age).toMatchObject({ category: "No Response", value: "" });
    expect(await c.stub.state()).toMatchObject({ session: null, timers: [] });
    // Alarms are at least once: firing again does nothing.
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toHaveLength(2);
  });

  it("expires a waiting run through the alarm", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    const flow = await publishFlow({ ...EXAMPLE, expire_after_minutes: 30 });
    const c = await newContact();
    await start(flow.uuid, [c.contact]);
    vi.setSystemTime(t0 + 31 * MINUTE);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["Hi , how old are you?"]);
    expect((await runsOf(c.contact))[0]).toMatchObject({ status: "expired" });
    expect(await c.stub.state()).toMatchObject({ session: null, timers: [] });
  });

  it("does nothing with a timer whose wait was answered first", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    const example = await publishFlow(EXAMPLE);
    const c = await newContact();
    await start(example.uuid, [c.contact]);
    const first = (await c.stub.state()).timers.find((t) => t.kind === "wait_timeout")!;

    vi.setSystemTime(t0 + 30 * MINUTE);
    await c.reply("no idea");
    expect(texts()).toEqual(["Hi , how old are you?", "Hi , how old are you?"]);
    const second = (await c.stub.state()).timers.find((t) => t.kind === "wait_timeout")!;
    expect(second.step_uuid).not.toBe(first.step_uuid);

    // The first question's timeout would have been due now: nothing happens.
    vi.setSystemTime(t0 + 61 * MINUTE);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toHaveLength(2);
    expect((await c.stub.state()).session).toMatchObject({ status: "waiting" });

    vi.setSystemTime(t0 + 91 * MINUTE);
    await runDurableObjectAlarm(c.stub);
    expect(texts()[2]).toBe("No problem, we'll ask again tomorrow.");
  });
});

describe("many messages at once", () => {
  it("handles one contact's messages one at a time, in order", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const hooked: string[] = [];
    server.use(
      http.post("https://example.org/hooks/slow", async ({ request }) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        hooked.push(await request.text());
        await delay(15);
        inFlight--;
        return HttpResponse.json({ ok: true });
      }),
    );
    const loop = await publishFlow(
      linearFlow("Loop", "messaging", [
        { actions: [], wait: true },
        { actions: [{ type: "call_webhook", method: "POST", url: "https://example.org/hooks/slow", headers: { "Content-Type": "text/plain" }, body: "@input.text" }, say("got @input.text")], loopTo: 0 },
      ]),
    );
    const c = await newContact();
    await start(loop.uuid, [c.contact]);

    const words = Array.from({ length: 8 }, (_, i) => `m${i + 1}`);
    const responses = await Promise.all(words.map((w) => c.reply(w)));
    expect(responses.map((r) => r.status)).toEqual(words.map(() => 200));

    expect(maxInFlight).toBe(1);
    expect([...hooked].sort()).toEqual([...words].sort());
    // Each reply answers its own message, in the order the messages were handled.
    expect(texts()).toEqual(hooked.map((w) => `got ${w}`));
    const inbound = (await messagesOf(c.contact)).filter((m) => m.direction === "in" && m.text !== "hi there");
    expect(inbound.map((m) => m.text)).toEqual(hooked);
    const [run] = await runsOf(c.contact);
    expect(run).toMatchObject({ status: "waiting" });
  });
});

describe("a provider's webhook", () => {
  it("gets its answer in bounded time when handling is slow, and the reply still follows", async () => {
    inbound.answerWithinMs = 200;
    server.use(
      http.get("https://example.org/hooks/sluggish", async () => {
        await delay(1500);
        return HttpResponse.json({ ok: true });
      }),
    );
    const flow = await publishFlow(
      linearFlow("Sluggish", "messaging", [{ actions: [{ type: "call_webhook", method: "GET", url: "https://example.org/hooks/sluggish", headers: {} }, say("checked")] }]),
    );
    const c = await newContact();
    await keywordTrigger(flow.uuid, c.channel.uuid, "check");
    const t0 = Date.now();
    expect((await c.reply("check")).status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(texts()).toEqual([]);
    // The handling went on after the answer.
    await vi.waitFor(() => expect(texts()).toEqual(["checked"]), { timeout: 5000, interval: 50 });
  });

  it("is answered once the message is stored, as deployed, and the handling follows", async () => {
    server.use(
      http.get("https://example.org/hooks/sluggish", async () => {
        await delay(1500);
        return HttpResponse.json({ ok: true });
      }),
    );
    const flow = await publishFlow(
      linearFlow("Sluggish", "messaging", [{ actions: [{ type: "call_webhook", method: "GET", url: "https://example.org/hooks/sluggish", headers: {} }, say("checked")] }]),
    );
    const c = await newContact();
    await keywordTrigger(flow.uuid, c.channel.uuid, "check");
    inbound.answerWithinMs = 0;
    expect((await c.reply("check")).status).toBe(200);
    expect(texts()).toEqual([]);
    await vi.waitFor(() => expect(texts()).toEqual(["checked"]), { timeout: 5000, interval: 50 });
  });
});

describe("the events API", () => {
  it("stores events in the contact's log, newest first, keeping the latest 1000", async () => {
    const c = await newContact();
    const one = await call("POST", "/events", { contact: c.contact, name: "signed_up", properties: { plan: "pro" }, time: "2026-01-02T03:04:05Z" });
    expect(one).toMatchObject({ status: 202, body: { accepted: 1 } });
    const byUrn = await call("POST", "/events", [{ urn: `tel:${c.from}`, name: "clicked", properties: { n: 1 } }]);
    expect(byUrn).toMatchObject({ status: 202, body: { accepted: 1 } });

    const listed = await call("GET", `/contacts/${c.contact}/events`);
    expect(listed.body.results.map((e: any) => [e.name, e.properties])).toEqual([
      ["clicked", { n: 1 }],
      ["signed_up", { plan: "pro" }],
    ]);
    expect(listed.body.results[1].time).toBe("2026-01-02T03:04:05.000Z");

    for (let b = 0; b < 11; b++) {
      const batch = Array.from({ length: 100 }, (_, i) => ({ contact: c.contact, name: "tick", properties: { i: b * 100 + i } }));
      expect((await call("POST", "/events", batch)).status).toBe(202);
    }
    const kept = await call("GET", `/contacts/${c.contact}/events?limit=1000`);
    expect(kept.body.results).toHaveLength(1000);
    expect(kept.body.results[0].properties).toEqual({ i: 1099 });
    expect(kept.body.results[999].properties).toEqual({ i: 100 });
    // Eleven batches of a hundred events: slow on a busy machine.
  }, 30_000);

  it("refuses a batch naming an unknown contact, storing none of it", async () => {
    const c = await newContact();
    const r = await call("POST", "/events", [
      { contact: c.contact, name: "ok" },
      { contact: crypto.randomUUID(), name: "lost" },
      { name: "nobody" },
    ]);
    expect(r.status).toBe(400);
    expect(r.body.issues.map((i: any) => i.path)).toEqual(["1.contact", "2.contact"]);
    expect((await call("GET", `/contacts/${c.contact}/events`)).body.results).toEqual([]);
  });
});

describe("sending a message from the API", () => {
  it("sends through the contact's channel and records it", async () => {
    const c = await newContact();
    const r = await call("POST", "/messages/send", { contact: c.contact, text: "Your appointment is tomorrow" });
    expect(r).toMatchObject({ status: 201, body: { contact: c.contact, status: "wired" } });
    expect(sent).toEqual([{ to: c.from, body: "Your appointment is tomorrow" }]);
    const out = (await messagesOf(c.contact)).find((m) => m.uuid === r.body.uuid);
    expect(out).toMatchObject({ direction: "out", status: "wired", channel_uuid: c.channel.uuid });
  });

  it("keeps sent messages in the object for a day, then drops them", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    const c = await newContact();
    const first = await call("POST", "/messages/send", { contact: c.contact, text: "first" });
    expect((await c.stub.state()).outbox.map((m) => [m.uuid, m.state])).toEqual([[first.body.uuid, "sent"]]);
    vi.setSystemTime(t0 + 23 * 3600_000);
    const second = await call("POST", "/messages/send", { contact: c.contact, text: "second" });
    expect((await c.stub.state()).outbox.map((m) => m.uuid)).toEqual([first.body.uuid, second.body.uuid]);
    vi.setSystemTime(t0 + 25 * 3600_000);
    const third = await call("POST", "/messages/send", { contact: c.contact, text: "third" });
    expect((await c.stub.state()).outbox.map((m) => m.uuid)).toEqual([second.body.uuid, third.body.uuid]);
    expect(sent.map((m) => m.body)).toEqual(["first", "second", "third"]);
  });

  it("refuses a contact that can't be sent to, sending nothing", async () => {
    const nobody = await call("POST", "/messages/send", { contact: crypto.randomUUID(), text: "hi" });
    expect(nobody.status).toBe(400);
    const noUrn = await call("POST", "/contacts", { name: "No URN" });
    expect((await call("POST", "/messages/send", { contact: noUrn.body.uuid, text: "hi" })).status).toBe(422);
    expect((await call("POST", "/messages/send", { contact: noUrn.body.uuid })).status).toBe(400);
    expect(sent).toEqual([]);
  });
});

describe("the channel's send rate", () => {
  it("holds back a send the rate doesn't allow yet and sends it when the alarm comes", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    const c = await newContact(0.1);
    expect((await call("POST", "/messages/send", { contact: c.contact, text: "one" })).body.status).toBe("wired");
    expect((await call("POST", "/messages/send", { contact: c.contact, text: "two" })).body.status).toBe("queued");
    expect(texts()).toEqual(["one"]);
    const pending = (await c.stub.state()).outbox.find((m) => m.state === "pending")!;
    // Bulk sends (an API send) get the channel's rate less the share kept for replies.
    const due = t0 + Math.ceil(1000 / (0.1 * (1 - REPLY_SHARE)));
    expect(pending.next_attempt_at).toBe(due);
    expect((await c.stub.state()).alarm).toBe(due);
    vi.setSystemTime(due);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["one", "two"]);
  });
});
