import { createExecutionContext, createScheduledController, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { ContactSession } from "../../durable/contact/contact-session";
import { fanOut, StartCoordinator } from "../../durable/starts/coordinator";
import worker from "../../worker/index";
import { CLOUDFLARE_LIMITS } from "../../worker/limits/budget";
import { ChannelRate } from "../../durable/rate/channel-rate";
import { call, linearFlow, phone, publishFlow, say, twilioChannel, twilioOutbox, unique } from "../contact/support";
import { group, settled, startNow } from "../starts/support";
import { countEntryPoints, failD1, subrequests, takeInvocations } from "./count";

const { sent } = twilioOutbox();
const defaults = { ...fanOut };
afterEach(() => Object.assign(fanOut, defaults));

/** A background flow that only sets a field: starting it costs the contact's object no send. */
async function fieldFlow() {
  const key = `seen_${unique()}`;
  expect((await call("POST", "/fields", { key, name: key, type: "text" })).status).toBe(201);
  const flow = await publishFlow(linearFlow("Mark", "messaging_background", [{ actions: [{ type: "set_contact_field", field: { key, name: key }, value: "yes" }] }]));
  return flow.uuid;
}

/** `n` active contacts in a new group, written straight to D1 to keep the test quick. */
async function members(n: number): Promise<string> {
  const g = await group([]);
  const uuids = Array.from({ length: n }, () => crypto.randomUUID());
  const at = new Date().toISOString();
  const chunks = Array.from({ length: Math.ceil(n / 30) }, (_, i) => uuids.slice(i * 30, i * 30 + 30));
  await env.DB.batch([
    ...chunks.map((c) => env.DB.prepare(`INSERT INTO contacts (uuid, created_on, modified_on) VALUES ${c.map(() => "(?, ?, ?)").join(", ")}`).bind(...c.flatMap((u) => [u, at, at]))),
    ...chunks.map((c) => env.DB.prepare(`INSERT INTO group_members (group_uuid, contact_uuid) VALUES ${c.map(() => "(?, ?)").join(", ")}`).bind(...c.flatMap((u) => [g, u]))),
  ]);
  return g;
}

describe("a start when D1 fails or the coordinator loses its alarm", () => {
  it("completes although D1 fails while a page is read, more times than the runtime retries an alarm", { timeout: 30_000 }, async () => {
    fanOut.retryMs = 5;
    const flow = await fieldFlow();
    const audience = await members(3);
    // The coordinator's page query fails 8 times (the runtime retries a throwing alarm 6 times).
    const left = failD1(/WHERE contacts\.uuid > \?1/, 8);
    const start = await startNow({ flow, audience: { groups: [audience] } });
    expect(await settled(start.uuid)).toMatchObject({ status: "completed", progress: { targeted: 3, started: 3 } });
    expect(left()).toBe(0);
  });

  it("is picked up by the cron's sweep when it is running with no alarm and has not reported for minutes", { timeout: 30_000 }, async () => {
    fanOut.pageSize = 2;
    fanOut.pageGapMs = 3_600_000;
    const flow = await fieldFlow();
    const start = await startNow({ flow, audience: { groups: [await members(4)] } });
    await settled(start.uuid, ["running"], (s) => s.progress.started === 2);
    // The alarm for the next page (an hour away) is lost, and the start looks stale.
    const stub = env.STARTS.getByName(start.uuid);
    await runInDurableObject(stub, async (_: StartCoordinator, state) => {
      for (let i = 0; i < 100 && ((await state.storage.getAlarm()) ?? 0) < Date.now() + 60_000; i++) await new Promise((r) => setTimeout(r, 10));
      await state.storage.deleteAlarm();
    });
    await env.DB.prepare("UPDATE starts SET modified_on = ? WHERE uuid = ?").bind(new Date(Date.now() - 10 * 60_000).toISOString(), start.uuid).run();
    fanOut.pageGapMs = 0;

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await settled(start.uuid)).toMatchObject({ status: "completed", progress: { targeted: 4, started: 4 } });
  });
});

describe("a start page's per-invocation cost", () => {
  it("calls each of a page's objects once and D1 a few times, in one alarm within Cloudflare's limits", { timeout: 60_000 }, async () => {
    // 100 to a page keeps the test quick; the cost per page is linear in it (checked for 500 below).
    fanOut.pageSize = 100;
    countEntryPoints(StartCoordinator, ["alarm"]);
    // The contacts' objects count on their own invocations, not the coordinator's.
    countEntryPoints(ContactSession, ["startFlow"]);
    const flow = await fieldFlow();
    const audience = await members(fanOut.pageSize);
    takeInvocations();
    const start = await startNow({ flow, audience: { groups: [audience] } });
    expect(await settled(start.uuid, ["completed"], () => true, 3000)).toMatchObject({ progress: { targeted: 100, started: 100 } });
    const alarms = takeInvocations().filter((c) => c.name === "StartCoordinator.alarm");
    const page = alarms.find((c) => c.objectCalls > 0)!;
    // The plan (start and flow, the audience's groups), the page, the progress after the plan and after the page.
    expect(page).toMatchObject({ objectCalls: 100, fetches: 0 });
    expect(page.d1Calls).toBeLessThanOrEqual(6);
    for (const a of alarms) expect(a.d1Queries).toBeLessThanOrEqual(10);
    // At the default page of 500: 500 object calls and the same few D1 calls, half the limit.
    expect(defaults.pageSize + page.d1Calls).toBeLessThanOrEqual(CLOUDFLARE_LIMITS.subrequests / 2 + 10);
    console.log("start alarms:", alarms.map((c) => `${subrequests(c)} subrequests (${c.objectCalls} object calls), ${c.d1Queries} queries`).join("; "));
  });
});

describe("a start's send slots", () => {
  it("are booked for the whole page in one call to the channel's rate, not one per contact", { timeout: 60_000 }, async () => {
    countEntryPoints(ChannelRate, ["reserve"]);
    await twilioChannel();
    const people: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await call("POST", "/contacts", { urns: [`tel:${phone()}`] });
      expect(r.status).toBe(201);
      people.push(r.body.uuid);
    }
    const flow = await publishFlow(linearFlow("Hello", "messaging_background", [{ actions: [say("Hello from the page")] }]));
    takeInvocations();
    const start = await startNow({ flow: flow.uuid, audience: { contacts: people } });
    expect(await settled(start.uuid)).toMatchObject({ status: "completed", progress: { started: 20 } });
    for (let i = 0; i < 200 && sent.filter((m) => m.body === "Hello from the page").length < 20; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sent.filter((m) => m.body === "Hello from the page")).toHaveLength(20);
    // One booking, by the coordinator for its page; the contacts' objects used the slots it gave them.
    const bookings = takeInvocations().filter((c) => c.name === "ChannelRate.reserve");
    expect(bookings).toHaveLength(1);
  });
});
