// Flow settings (docs/flow-settings.md): entry rules for starts and keywords, the delivery window,
// and the channel's send rate across all contacts.
import { runDurableObjectAlarm } from "cloudflare:test";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { call, contactByUrn, contactObject, linearFlow, phone, postTwilio, publishFlow, runsOf, say, twilioChannel, twilioSms, TWILIO_API } from "../contact/support";
import { settled, startNow } from "../starts/support";

let sent: { to: string; body: string; at: number }[] = [];
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  server.resetHandlers();
  sent = [];
  vi.useRealTimers();
});
afterAll(() => server.close());

function twilio() {
  server.use(
    http.post(TWILIO_API, async ({ request }) => {
      const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
      sent.push({ to: form.get("To")!, body: form.get("Body")!, at: Date.now() });
      return HttpResponse.json({ sid: `SM${crypto.randomUUID().replace(/-/g, "")}` }, { status: 201 });
    }),
  );
}

const texts = () => sent.map((s) => s.body);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A contact who has written in on a channel (so flows answer on it), in no flow. */
async function writer(channel?: { uuid: string; address: string }) {
  const ch = channel ?? (await twilioChannel());
  const from = phone();
  const write = (text: string) => postTwilio(ch.uuid, twilioSms(ch, from, text));
  await write("hello");
  return { channel: ch, from, write, contact: (await contactByUrn(`tel:${from}`))! };
}

async function start(flow: string, contact: string) {
  const r = await call("POST", `/flows/${flow}/start`, { contacts: [contact] });
  expect(r.status).toBe(200);
  return r.body.results[0] as { status: string; reason?: string };
}

const hello = (rules: Record<string, unknown>) => publishFlow(linearFlow("Hello", "messaging_background", [{ actions: [say("hello")] }]), { entry_rules: rules });

describe("entry rules", () => {
  it("are validated by the flows API", async () => {
    const flow = await publishFlow(linearFlow("Rules", "messaging", [{ actions: [say("x")] }]));
    const bad = await call("PATCH", `/flows/${flow.uuid}`, { entry_rules: { allow_reentry: true, limits: [{ count: 0, per: "fortnight" }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["entry_rules.limits.0.count", "entry_rules.limits.0.per"]);
    const good = await call("PATCH", `/flows/${flow.uuid}`, { entry_rules: { allow_reentry: true, min_reentry_minutes: 10080, limits: [{ count: 2, per: "week" }] } });
    expect(good.status).toBe(200);
    expect(good.body.entry_rules).toEqual({ allow_reentry: true, min_reentry_minutes: 10080, limits: [{ count: 2, per: "week" }] });
  });

  it("no re-entry: a second start is skipped with the reason, for an API start and for a start of many", async () => {
    twilio();
    const w = await writer();
    const flow = await hello({ allow_reentry: false });
    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "started" });
    expect(await start(flow.uuid, w.contact)).toEqual({ contact: w.contact, status: "skipped", reason: expect.stringContaining("re-entry is not allowed") });

    const s = await startNow({ flow: flow.uuid, audience: { contacts: [w.contact] } });
    const done = await settled(s.uuid);
    expect(done.progress).toMatchObject({ targeted: 1, started: 0, skipped: { total: 1 } });
    expect(texts()).toEqual(["hello"]);
  });

  it("minimum delay: refused until the delay since the last entry has passed", async () => {
    twilio();
    const w = await writer();
    const flow = await hello({ allow_reentry: true, min_reentry_minutes: 60 });
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "started" });
    vi.setSystemTime(t0 + 59 * MINUTE);
    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "skipped", reason: expect.stringContaining("re-entry needs 1 hour") });
    vi.setSystemTime(t0 + 61 * MINUTE);
    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "started" });
  });

  it("2 per week: the third start in a week is refused, and allowed again once the first is a week old", async () => {
    twilio();
    const w = await writer();
    const flow = await hello({ allow_reentry: true, limits: [{ count: 2, per: "week" }] });
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "started" });
    vi.setSystemTime(t0 + 2 * DAY);
    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "started" });
    vi.setSystemTime(t0 + 6 * DAY);
    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "skipped", reason: expect.stringContaining("at most 2 entries per week") });
    vi.setSystemTime(t0 + 7 * DAY + MINUTE);
    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "started" });
    expect((await runsOf(w.contact)).filter((r) => r.flow_uuid === flow.uuid)).toHaveLength(3);
  });

  it("apply to keywords: no re-entry, and 2 per week (the third keyword is only logged)", async () => {
    twilio();
    const w = await writer();
    const once = await publishFlow(linearFlow("Once", "messaging", [{ actions: [say("once")] }]), { entry_rules: { allow_reentry: false } });
    const twice = await publishFlow(linearFlow("Twice", "messaging", [{ actions: [say("twice")] }]), { entry_rules: { allow_reentry: true, limits: [{ count: 2, per: "week" }] } });
    for (const [flow, keyword] of [
      [once, "once"],
      [twice, "twice"],
    ] as const) {
      expect((await call("POST", "/triggers", { type: "keyword", flow: flow.uuid, channel: w.channel.uuid, keywords: [keyword], match_type: "only_word" })).status).toBe(201);
    }
    for (const text of ["once", "once", "twice", "twice", "twice"]) await w.write(text);
    expect(texts()).toEqual(["once", "twice", "twice"]);
  });
});

/** A window of one hour opening `fromNow` ahead (rounded down to the minute), every day, as HH:MM in a zone. */
function windowAhead(fromNow: number, zone: string) {
  const opens = Math.floor((Date.now() + fromNow) / MINUTE) * MINUTE;
  const hhmm = (t: number) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(t);
  return { opens, window: { days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: hhmm(opens), end: hhmm(opens + 60 * MINUTE), timezone: zone } };
}

/** A flow that says something and waits for a reply, up to 5 minutes. */
function askWithTimeout(name: string) {
  const [ask, after] = [crypto.randomUUID(), crypto.randomUUID()];
  const [reply, timeout] = [crypto.randomUUID(), crypto.randomUUID()];
  const [exitReply, exitTimeout] = [crypto.randomUUID(), crypto.randomUUID()];
  return {
    uuid: crypto.randomUUID(),
    name,
    spec_version: "14.4.2",
    language: "eng",
    type: "messaging",
    nodes: [
      {
        uuid: ask,
        actions: [{ uuid: crypto.randomUUID(), type: "send_msg", text: "Are you there?" }],
        router: {
          type: "switch",
          operand: "@input.text",
          wait: { type: "msg", timeout: { seconds: 300, category_uuid: timeout } },
          cases: [],
          categories: [
            { uuid: reply, name: "All Responses", exit_uuid: exitReply },
            { uuid: timeout, name: "No Response", exit_uuid: exitTimeout },
          ],
          default_category_uuid: reply,
        },
        exits: [
          { uuid: exitReply, destination_uuid: after },
          { uuid: exitTimeout, destination_uuid: after },
        ],
      },
      { uuid: after, actions: [{ uuid: crypto.randomUUID(), type: "send_msg", text: "Bye" }], exits: [{ uuid: crypto.randomUUID() }] },
    ],
  };
}

describe("the delivery window", () => {
  it("holds a send outside the window (other flows' sends go meanwhile) and sends it when the alarm fires inside; the wait's timeout counts from then", async () => {
    twilio();
    const w = await writer();
    const { opens, window } = windowAhead(2 * 3600_000, "UTC");
    const windowed = await publishFlow(askWithTimeout("Windowed"), { delivery_window: window });
    const other = await publishFlow(linearFlow("Other", "messaging_background", [{ actions: [say("no window")] }]));
    expect(await start(windowed.uuid, w.contact)).toMatchObject({ status: "started" });
    expect(await start(other.uuid, w.contact)).toMatchObject({ status: "started" });
    expect(texts()).toEqual(["no window"]);

    const stub = contactObject(w.contact);
    const state = await stub.state();
    const held = state.outbox.find((m) => m.text === "Are you there?")!;
    expect(held).toMatchObject({ state: "pending", held_until: opens, flow_uuid: windowed.uuid });
    expect(state.alarm).toBe(opens);
    expect(state.timers.find((t) => t.kind === "wait_timeout")).toMatchObject({ due_at: null, after_outbox: held.uuid });

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(opens + 1000);
    await runDurableObjectAlarm(stub);
    expect(texts()).toEqual(["no window", "Are you there?"]);
    const after = await stub.state();
    expect(after.outbox.find((m) => m.uuid === held.uuid)).toMatchObject({ state: "sent" });
    expect(after.timers.find((t) => t.kind === "wait_timeout")!.due_at).toBe(opens + 1000 + 300_000);
  });

  it("in the contact's time zone", async () => {
    twilio();
    const w = await writer();
    expect((await call("PATCH", `/contacts/${w.contact}`, { timezone: "Asia/Kathmandu" })).status).toBe(200);
    const { opens, window } = windowAhead(3 * 3600_000, "Asia/Kathmandu");
    const flow = await publishFlow(linearFlow("Local", "messaging_background", [{ actions: [say("good morning")] }]), { delivery_window: { ...window, timezone: "contact" } });
    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "started" });
    expect(texts()).toEqual([]);
    const stub = contactObject(w.contact);
    expect((await stub.state()).outbox[0]).toMatchObject({ state: "pending", held_until: opens });

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(opens);
    await runDurableObjectAlarm(stub);
    expect(texts()).toEqual(["good morning"]);
  });

  it("sends at once inside the window", async () => {
    twilio();
    const w = await writer();
    const { window } = windowAhead(-5 * MINUTE, "UTC");
    const flow = await publishFlow(linearFlow("Open", "messaging_background", [{ actions: [say("open now")] }]), { delivery_window: window });
    await start(flow.uuid, w.contact);
    expect(texts()).toEqual(["open now"]);
  });
});

describe("the channel's send rate across all contacts", () => {
  it("spaces two contacts' sends on a 1-per-second channel", async () => {
    twilio();
    const ch = await twilioChannel(1);
    const [a, b] = [await writer(ch), await writer(ch)];
    const results = await Promise.all([a, b].map((w) => call("POST", "/messages/send", { contact: w.contact, text: `to ${w.from}` })));
    expect(results.map((r) => r.status)).toEqual([201, 201]);
    // One goes at once; the other is booked behind it, at least a second later (the channel's rate).
    expect(results.map((r) => r.body.status).sort()).toEqual(["queued", "wired"]);
    expect(sent).toHaveLength(1);
    const queued = [a, b][results.findIndex((r) => r.body.status === "queued")];
    const slot = (await contactObject(queued.contact).state()).outbox[0].rate_slot!;
    expect(slot - sent[0].at).toBeGreaterThanOrEqual(1000);
  });

  it("holds the second contact's send for the alarm when its slot is further off", async () => {
    twilio();
    const ch = await twilioChannel(0.2);
    const [a, b] = [await writer(ch), await writer(ch)];
    const t0 = Date.now();
    expect((await call("POST", "/messages/send", { contact: a.contact, text: "first" })).body.status).toBe("wired");
    expect((await call("POST", "/messages/send", { contact: b.contact, text: "second" })).body.status).toBe("queued");
    expect(texts()).toEqual(["first"]);
    const stub = contactObject(b.contact);
    const row = (await stub.state()).outbox[0];
    expect(row.rate_slot).toBeGreaterThanOrEqual(t0 + 4000);
    expect(row.next_attempt_at).toBe(row.rate_slot);
    expect((await stub.state()).alarm).toBe(row.rate_slot);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(row.rate_slot!);
    await runDurableObjectAlarm(stub);
    expect(texts()).toEqual(["first", "second"]);
  });
});
