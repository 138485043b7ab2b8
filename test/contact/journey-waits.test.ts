// The journeys' waits in the contact's object (docs/journeys.md): timers for pauses and dates, events and
// profile changes resuming waiting sessions, and what a message does to a paused conversation.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { call, EXAMPLE, exampleAssets, keywordTrigger, publishFlow, runsOf, twilioOutbox } from "./support";
import { journey, journeyContact, startFor } from "./journey-flows";

const { sent } = twilioOutbox();
const texts = () => sent.map((s) => s.body.split("\n")[0]);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

beforeAll(async () => {
  await exampleAssets();
  await call("POST", "/fields", { key: "plan", name: "Plan", type: "text" });
  await call("POST", "/fields", { key: "due_date", name: "Due date", type: "datetime" });
});
afterEach(() => vi.useRealTimers());

function clock(at: number) {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(at);
  return (t: number) => vi.setSystemTime(t);
}

const pause = (amount: number, unit: string) => ({ wait: ({ next }: { next: string }) => ({ type: "pause", for: { amount, unit }, category_uuid: next }) });
const waitForEvent = (event: string, opts: Record<string, unknown> = {}, otherwise = "timed out") => ({
  wait: ({ next, other }: { next: string; other: string }) => ({
    type: "event",
    event,
    ...opts,
    ...(opts.timeout ? { timeout: { seconds: opts.timeout, category_uuid: other } } : {}),
    category_uuid: next,
  }),
  otherwise,
});

describe("a pause", () => {
  it("sets one timer, the alarm at it, and at the due time the flow goes on with a message; early or repeated alarms do nothing", async () => {
    const t0 = Date.now();
    const at = clock(t0);
    const flow = await publishFlow(journey("Pause", "messaging", [{ say: "See you in 2 hours" }, pause(2, "hours"), { say: "Two hours later" }]));
    const c = await journeyContact();
    await startFor(flow.uuid, c.contact);
    expect(texts()).toEqual(["See you in 2 hours"]);
    const state = await c.stub.state();
    expect(state.session).toMatchObject({ status: "waiting", wait: { type: "pause" } });
    const timer = state.timers.find((t) => t.kind === "time_passed")!;
    expect(timer.due_at).toBe(t0 + 2 * HOUR);
    expect(state.alarm).toBe(t0 + 2 * HOUR);

    at(t0 + 2 * HOUR - 1);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toHaveLength(1);

    at(t0 + 2 * HOUR);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["See you in 2 hours", "Two hours later"]);
    expect((await runsOf(c.contact))[0]).toMatchObject({ status: "completed" });
    expect(await c.stub.state()).toMatchObject({ session: null, timers: [], alarm: null });
    // Alarms are at least once: another one sends nothing.
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toHaveLength(2);
  });

  it("in a background flow leaves the contact's live conversation as it is, and fires beside it", async () => {
    const t0 = Date.now();
    const at = clock(t0);
    const example = await publishFlow(EXAMPLE);
    const background = await publishFlow(journey("Background pause", "messaging_background", [pause(30, "minutes"), { say: "Background, 30 minutes on" }]));
    const c = await journeyContact();
    await startFor(example.uuid, c.contact);
    await startFor(background.uuid, c.contact);
    const before = await c.stub.state();
    expect(before).toMatchObject({ background: 1, session: { status: "waiting", wait: { type: "msg" } } });

    // A reply during the pause goes to the conversation, not the background flow.
    at(t0 + 10 * MINUTE);
    await c.reply("no idea");
    expect(texts()).toEqual(["Hi , how old are you?", "Hi , how old are you?"]);

    at(t0 + 30 * MINUTE);
    await runDurableObjectAlarm(c.stub);
    expect(texts()[2]).toBe("Background, 30 minutes on");
    const after = await c.stub.state();
    expect(after).toMatchObject({ background: 0, session: { uuid: before.session!.uuid, status: "waiting", run: before.session!.run, wait: { type: "msg" } } });
  });
});

describe("a message while a messaging conversation is paused", () => {
  it("is only logged (a catch-all does not end the journey); a keyword interrupts it as any new flow would", async () => {
    const t0 = Date.now();
    const at = clock(t0);
    const flow = await publishFlow(journey("Paused chat", "messaging", [{ say: "Back in a day" }, pause(1, "days"), { say: "A day later" }]));
    const fallback = await publishFlow(journey("Fallback", "messaging", [{ say: "catch all" }]));
    const other = await publishFlow(journey("Keyword", "messaging", [{ say: "keyword flow" }]));
    const c = await journeyContact();
    expect((await call("POST", "/triggers", { type: "catch_all", flow: fallback.uuid, channel: c.channel.uuid })).status).toBe(201);
    await keywordTrigger(other.uuid, c.channel.uuid, "other");
    await startFor(flow.uuid, c.contact);
    const paused = (await c.stub.state()).session!;

    await c.reply("hello?");
    expect(texts()).toEqual(["Back in a day"]);
    expect((await c.stub.state()).session).toMatchObject({ uuid: paused.uuid, status: "waiting", wait: { type: "pause" } });
    at(t0 + 24 * HOUR);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["Back in a day", "A day later"]);

    // Paused again; now a keyword.
    await startFor(flow.uuid, c.contact);
    await c.reply("other");
    expect(texts().slice(-1)).toEqual(["keyword flow"]);
    const runs = await runsOf(c.contact);
    expect(runs.filter((r) => r.flow_uuid === flow.uuid).map((r) => r.status)).toEqual(["completed", "interrupted"]);
    // The interrupted pause's timer is stale: nothing fires.
    at(t0 + 48 * HOUR + MINUTE);
    await runDurableObjectAlarm(c.stub);
    expect(texts().slice(-1)).toEqual(["keyword flow"]);
  });
});

describe("a wait for an event", () => {
  const cart = () =>
    journey("Abandoned cart", "messaging_background", [
      { say: "You left something in your cart" },
      waitForEvent("purchase", { conditions: [{ property: "amount", operator: "greater_than", value: "10" }], save: ["amount"], timeout: 86400 }, "Still thinking about it?"),
      { say: "Thanks for buying for @results.amount" },
    ]);

  it("takes the occurred exit on a matching event posted to the API; others leave it waiting", async () => {
    const flow = await publishFlow(cart());
    const c = await journeyContact();
    await startFor(flow.uuid, c.contact);
    expect((await call("POST", "/events", { contact: c.contact, name: "purchase", properties: { amount: 5 } })).status).toBe(202);
    expect((await call("POST", "/events", { contact: c.contact, name: "page_view", properties: { amount: 50 } })).status).toBe(202);
    expect(texts()).toEqual(["You left something in your cart"]);
    expect((await c.stub.state()).background).toBe(1);
    await call("POST", "/events", { contact: c.contact, name: "purchase", properties: { amount: 25 } });
    expect(texts()).toEqual(["You left something in your cart", "Thanks for buying for 25"]);
    expect(await c.stub.state()).toMatchObject({ background: 0, timers: [] });
  });

  it("times out through the alarm", async () => {
    const t0 = Date.now();
    const at = clock(t0);
    const flow = await publishFlow(cart());
    const c = await journeyContact();
    await startFor(flow.uuid, c.contact);
    expect((await c.stub.state()).alarm).toBe(t0 + 86400_000);
    at(t0 + 86400_000);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["You left something in your cart", "Still thinking about it?"]);
    // A purchase after the timeout changes nothing.
    await call("POST", "/events", { contact: c.contact, name: "purchase", properties: { amount: 25 } });
    expect(texts()).toHaveLength(2);
  });

  it("with since_entered, takes an event that came after the contact entered the flow but before it reached the wait", async () => {
    const t0 = Date.now();
    const at = clock(t0);
    const wait = (since: boolean) =>
      journey(`Since entered ${since}`, "messaging_background", [pause(5, "minutes"), waitForEvent("signup", { since_entered: since, timeout: 3600 }), { say: `Signed up (${since})` }]);
    const since = await publishFlow(wait(true));
    const notSince = await publishFlow(wait(false));
    const c = await journeyContact();
    await startFor(since.uuid, c.contact);
    await startFor(notSince.uuid, c.contact);
    at(t0 + MINUTE);
    await call("POST", "/events", { contact: c.contact, name: "signup" });
    at(t0 + 5 * MINUTE);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["Signed up (true)"]);
    expect((await c.stub.state()).background).toBe(1);
  });
});

describe("a wait for a profile change", () => {
  const upgrade = () =>
    journey("Upgrade", "messaging_background", [
      {
        wait: ({ next, other }) => ({ type: "profile_change", field: { key: "plan", name: "Plan" }, timeout: { seconds: 86400, category_uuid: other }, category_uuid: next }),
        otherwise: "No upgrade",
        result: "Plan",
      },
      { say: "Welcome to @results.plan" },
    ]);

  it("takes the changed exit when the API changes the field (PATCH), not when it changes another", async () => {
    const flow = await publishFlow(upgrade());
    const c = await journeyContact({ fields: { plan: "free" } });
    await startFor(flow.uuid, c.contact);
    expect((await call("PATCH", `/contacts/${c.contact}`, { name: "Someone Else" })).status).toBe(200);
    expect(texts()).toEqual([]);
    expect((await c.stub.state()).background).toBe(1);
    expect((await call("PATCH", `/contacts/${c.contact}`, { fields: { plan: "pro" } })).status).toBe(200);
    expect(texts()).toEqual(["Welcome to pro"]);
    expect((await c.stub.state()).background).toBe(0);
  });

  it("takes it when another flow changes the field", async () => {
    const flow = await publishFlow(upgrade());
    const setter = await publishFlow(journey("Set plan", "messaging", [{ action: { type: "set_contact_field", field: { key: "plan", name: "Plan" }, value: "gold" } }, { say: "Plan set" }]));
    const c = await journeyContact({ fields: { plan: "free" } });
    await startFor(flow.uuid, c.contact);
    await startFor(setter.uuid, c.contact);
    expect(texts()).toEqual(["Plan set", "Welcome to gold"]);
  });
});

describe("a wait for a date", () => {
  const reminder = (opts: Record<string, unknown>) =>
    journey("Due date reminder", "messaging_background", [
      {
        wait: ({ next, other }) => ({ type: "date", field: { key: "due_date", name: "Due date" }, ...opts, category_uuid: next, no_date_category_uuid: other }),
        otherwise: "When is your appointment?",
      },
      { say: "Your appointment is soon" },
    ]);

  it("is planned again when its field changes: the timer moves, the old time fires nothing", async () => {
    // Fake clocks stay ahead of the real one: workerd rings an alarm set in its past at once.
    const t0 = Date.parse("2027-03-02T08:00:00Z");
    const at = clock(t0);
    const flow = await publishFlow(reminder({ relative: "before", amount: 1, unit: "days", time: "09:00" }));
    const c = await journeyContact({ timezone: "Africa/Kigali", fields: { due_date: "2027-03-10T10:00:00Z" } });
    await startFor(flow.uuid, c.contact);
    // 9 March 09:00 in Kigali (UTC+2).
    const first = Date.parse("2027-03-09T07:00:00Z");
    expect((await c.stub.state()).timers.find((t) => t.kind === "time_passed")!.due_at).toBe(first);

    expect((await call("PATCH", `/contacts/${c.contact}`, { fields: { due_date: "2027-03-20T10:00:00Z" } })).status).toBe(200);
    const moved = Date.parse("2027-03-19T07:00:00Z");
    const state = await c.stub.state();
    expect(state.timers.filter((t) => t.kind === "time_passed").map((t) => t.due_at)).toEqual([moved]);
    expect(state.alarm).toBe(moved);

    at(first);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual([]);
    at(moved);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["Your appointment is soon"]);
  });

  it("takes the no-date exit when its field is emptied while it waits", async () => {
    const flow = await publishFlow(reminder({ relative: "on" }));
    const c = await journeyContact({ fields: { due_date: "2099-01-01T10:00:00Z" } });
    await startFor(flow.uuid, c.contact);
    expect((await c.stub.state()).background).toBe(1);
    await call("PATCH", `/contacts/${c.contact}`, { fields: { due_date: null } });
    expect(texts()).toEqual(["When is your appointment?"]);
  });

  it("reminds 3 days before a due date across a daylight-saving change, at 09:00 local time", async () => {
    // New York leaves daylight saving time on 7 November 2027 at 02:00.
    const t0 = Date.parse("2027-10-25T12:30:00Z");
    const at = clock(t0);
    const flow = await publishFlow(reminder({ relative: "before", amount: 3, unit: "days", time: "09:00" }));
    const c = await journeyContact({ timezone: "America/New_York", fields: { due_date: "2027-11-10T15:00:00Z" } });
    await startFor(flow.uuid, c.contact);
    // 7 November 09:00 EST is 14:00Z (it would be 13:00Z in EDT).
    const due = Date.parse("2027-11-07T14:00:00Z");
    expect((await c.stub.state()).alarm).toBe(due);
    at(due - 1);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual([]);
    at(due);
    await runDurableObjectAlarm(c.stub);
    expect(texts()).toEqual(["Your appointment is soon"]);
  });
});
