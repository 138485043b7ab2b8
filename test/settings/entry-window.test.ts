// The flow's entry window and "run for a year" (docs/flow-settings.md), and entry rules on the
// entry points settings.test.ts does not cover: catch-all, event and joined-group triggers.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../worker/index";
import { Budget } from "../../worker/limits/budget";
import { IDLE_CHECK_HOUR, pauseIdleFlows } from "../../worker/scheduled";
import { call, contactByUrn, linearFlow, phone, postTwilio, publishFlow, runsOf, say, twilioChannel, twilioOutbox, twilioSms } from "../contact/support";
import { settled, startNow } from "../starts/support";
import { landed } from "../contact/landed";

const { sent } = twilioOutbox();
afterEach(() => void vi.useRealTimers());

const DAY = 24 * 3600_000;
const iso = (t: number) => new Date(t).toISOString();
const texts = () => sent.map((s) => s.body);

/** A contact who has written in on a channel, in no flow. */
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

const hello = (name: string, settings: Record<string, unknown> = {}) => publishFlow(linearFlow(name, "messaging_background", [{ actions: [say(name)] }]), settings);

describe("the entry window", () => {
  it("is validated by the flows API, returned, and cleared with null", async () => {
    const flow = await hello("Window");
    const bad = await call("PATCH", `/flows/${flow.uuid}`, { entry_window: { start: "tomorrow", end: "whenever" } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["entry_window.end", "entry_window.start"]);
    const backwards = await call("PATCH", `/flows/${flow.uuid}`, { entry_window: { start: "2027-02-01T00:00:00Z", end: "2027-01-01T00:00:00Z" } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.issues).toEqual([expect.objectContaining({ path: "entry_window.end", message: "must be after start" })]);
    const good = await call("PATCH", `/flows/${flow.uuid}`, { entry_window: { start: "2027-01-01T09:00:00+01:00", end: "run_for_a_year" } });
    expect(good.status).toBe(200);
    expect(good.body.entry_window).toEqual({ start: "2027-01-01T09:00:00+01:00", end: "run_for_a_year" });
    expect((await call("PATCH", `/flows/${flow.uuid}`, { entry_window: null })).body.entry_window).toBeNull();
  });

  it("keeps contacts out before its start and from its end: API starts, starts of many, keyword and event triggers", async () => {
    const w = await writer();
    const flow = await hello("Later", { entry_window: { start: iso(Date.now() + DAY) } });
    expect((await call("POST", "/triggers", { type: "keyword", flow: flow.uuid, channel: w.channel.uuid, keywords: ["later"], match_type: "only_word" })).status).toBe(201);
    const event = `signed_up_${crypto.randomUUID().slice(0, 6)}`;
    expect((await call("POST", "/triggers", { type: "event", flow: flow.uuid, event })).status).toBe(201);

    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "skipped", reason: expect.stringContaining("entry window: the flow takes entries from") });
    const many = await startNow({ flow: flow.uuid, audience: { contacts: [w.contact] } });
    // A start of many fails as a whole, before calling any contact.
    expect(await settled(many.uuid)).toMatchObject({ status: "failed", error: expect.stringContaining("entry window: the flow takes entries from"), progress: { started: 0 } });
    await w.write("later");
    expect((await call("POST", "/events", { contact: w.contact, name: event })).status).toBe(202);
    expect(texts()).toEqual([]);
    await landed(w.contact); // D1 is written behind: read the runs once the object's writes are in
    expect((await runsOf(w.contact)).filter((r) => r.flow_uuid === flow.uuid)).toEqual([]);

    // Open now, and until an hour from now.
    await call("PATCH", `/flows/${flow.uuid}`, { entry_window: { start: iso(Date.now() - DAY), end: iso(Date.now() + 3600_000) } });
    await w.write("later");
    expect(texts()).toEqual(["Later"]);
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 3600_000);
    expect(await start(flow.uuid, w.contact)).toMatchObject({ status: "skipped", reason: expect.stringContaining("entry window: the flow took entries until") });
  });

  it('"run_for_a_year": the daily check pauses a flow in which nothing has run for a year, and leaves the others', async () => {
    const w = await writer();
    const t0 = Date.now();
    const idle = await hello("Idle", { entry_window: { end: "run_for_a_year" } });
    const busy = await hello("Busy", { entry_window: { end: "run_for_a_year" } });
    const forever = await hello("Forever");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(t0 + 200 * DAY);
    expect(await start(busy.uuid, w.contact)).toMatchObject({ status: "started" });

    // The check runs at IDLE_CHECK_HOUR:00 UTC only: the tick a minute later does nothing.
    const day400 = new Date(t0 + 400 * DAY);
    day400.setUTCHours(IDLE_CHECK_HOUR, 0, 0, 0);
    vi.setSystemTime(day400.getTime());
    await tick(day400.getTime() + 60_000);
    expect((await call("GET", `/flows/${idle.uuid}`)).body.status).toBe("active");
    await tick(day400.getTime());
    expect((await call("GET", `/flows/${idle.uuid}`)).body.status).toBe("paused");
    expect((await call("GET", `/flows/${busy.uuid}`)).body.status).toBe("active");
    expect((await call("GET", `/flows/${forever.uuid}`)).body.status).toBe("active");
    expect((await call("POST", `/flows/${idle.uuid}/start`, { contacts: [w.contact] })).status).toBe(422);
  });
});

describe("the daily check of run_for_a_year flows", () => {
  it("costs two D1 queries however many flows it pauses", { timeout: 60_000 }, async () => {
    const flows = [];
    for (let i = 0; i < 12; i++) flows.push(await hello(`Idle ${i}`, { entry_window: { end: "run_for_a_year" } }));
    const budget = new Budget();
    const paused = await pauseIdleFlows(env, new Date(Date.now() + 400 * DAY), budget);
    expect(paused).toEqual(expect.arrayContaining(flows.map((f) => f.uuid)));
    expect(budget.used).toEqual({ subrequests: 2, queries: 2 });
    // Nothing left to pause: one query.
    const again = new Budget();
    expect(await pauseIdleFlows(env, new Date(Date.now() + 400 * DAY), again)).toEqual([]);
    expect(again.used).toEqual({ subrequests: 1, queries: 1 });
  });
});

async function tick(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

describe("entry rules on every trigger", () => {
  it("a catch-all flow with no re-entry answers the first message only", async () => {
    const ch = await twilioChannel();
    const flow = await hello("Catch", { entry_rules: { allow_reentry: false } });
    expect((await call("POST", "/triggers", { type: "catch_all", flow: flow.uuid, channel: ch.uuid })).status).toBe(201);
    const from = phone();
    for (const text of ["one", "two", "three"]) await postTwilio(ch.uuid, twilioSms(ch, from, text));
    expect(texts()).toEqual(["Catch"]);
  });

  it("an event trigger's flow, 2 per day: the third event starts nothing", async () => {
    const w = await writer();
    const flow = await hello("Event", { entry_rules: { allow_reentry: true, limits: [{ count: 2, per: "day" }] } });
    const event = `clicked_${crypto.randomUUID().slice(0, 6)}`;
    expect((await call("POST", "/triggers", { type: "event", flow: flow.uuid, event })).status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await call("POST", "/events", { contact: w.contact, name: event })).status).toBe(202);
    expect(texts()).toEqual(["Event", "Event"]);
    expect((await runsOf(w.contact)).filter((r) => r.flow_uuid === flow.uuid)).toHaveLength(2);
  });

  it("a schedule with no re-entry: its second fire skips the contact", async () => {
    const w = await writer();
    const flow = await hello("Daily", { entry_rules: { allow_reentry: false } });
    const s = await call("POST", "/schedules", { flow: flow.uuid, audience: { contacts: [w.contact] }, schedule: { kind: "daily", time: "10:00", timezone: "UTC" } });
    expect(s.status).toBe(201);
    const due = Date.parse(s.body.next_fire_at);
    await tick(due + 20_000);
    await tick(due + DAY + 20_000);
    const made = (await call("GET", `/starts?schedule=${s.body.uuid}`)).body.results as { uuid: string }[];
    expect(made).toHaveLength(2);
    const progress = await Promise.all(made.map(async (m) => (await settled(m.uuid)).progress));
    expect(progress.map((p) => [p.started, p.skipped.total]).sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    expect(texts()).toEqual(["Daily"]);
  });

  it("a joined-group flow with no re-entry: joining again starts nothing", async () => {
    const w = await writer();
    const group = (await call("POST", "/groups", { name: `Joiners ${crypto.randomUUID().slice(0, 6)}` })).body.uuid;
    const flow = await hello("Welcome", { entry_rules: { allow_reentry: false } });
    expect((await call("POST", "/triggers", { type: "joined_group", flow: flow.uuid, group })).status).toBe(201);
    expect((await call("POST", `/groups/${group}/members`, { contacts: [w.contact] })).status).toBeLessThan(300);
    expect((await call("DELETE", `/groups/${group}/members/${w.contact}`)).status).toBeLessThan(300);
    expect((await call("POST", `/groups/${group}/members`, { contacts: [w.contact] })).status).toBeLessThan(300);
    expect(texts()).toEqual(["Welcome"]);
  });
});
