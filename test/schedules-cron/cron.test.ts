import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { call, linearFlow, publishFlow, say, TWILIO_API } from "../contact/support";
import { channel, group, newContact, runsOf, settled } from "../starts/support";

const server = setupServer(http.post(TWILIO_API, () => HttpResponse.json({ sid: `SM${crypto.randomUUID().replace(/-/g, "")}` }, { status: 201 })));
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

async function tick(at: string | number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: typeof at === "number" ? at : Date.parse(at), cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const startsOf = async (schedule: string) => (await call("GET", `/starts?schedule=${schedule}`)).body.results as { uuid: string; status: string }[];

async function schedule(body: Record<string, unknown>) {
  const r = await call("POST", "/schedules", body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { uuid: string; next_fire_at: string };
}

const hello = () => publishFlow(linearFlow("Reminder", "messaging_background", [{ actions: [say("Reminder")] }]));

describe("schedules", () => {
  it("fires a due schedule exactly once when the cron fires twice for the same minute, and computes its next fire", async () => {
    const flow = await hello();
    const person = await newContact(await channel());
    const audience = { groups: [await group([person.uuid])] };
    const s = await schedule({ flow: flow.uuid, audience, schedule: { kind: "daily", time: "10:00", timezone: "Africa/Kigali" } });
    const due = Date.parse(s.next_fire_at);
    expect(new Date(due).toISOString()).toMatch(/T08:00:00\.000Z$/); // 10:00 in Kigali (UTC+2)

    await tick(due + 20_000);
    await tick(due + 20_000);
    const made = await startsOf(s.uuid);
    expect(made).toHaveLength(1);
    expect(await settled(made[0].uuid)).toMatchObject({ status: "completed", schedule: s.uuid, progress: { targeted: 1, started: 1 } });
    expect((await call("GET", `/schedules/${s.uuid}`)).body).toMatchObject({ next_fire_at: new Date(due + 86_400_000).toISOString(), last_fired_at: s.next_fire_at });

    // Two ticks at once for the next fire: still one start.
    await Promise.all([tick(due + 86_400_000 + 5_000), tick(due + 86_400_000 + 5_000)]);
    expect(await startsOf(s.uuid)).toHaveLength(2);
    for (const st of await startsOf(s.uuid)) await settled(st.uuid);
    expect((await runsOf(person.uuid)).filter((r) => r.flow_uuid === flow.uuid)).toHaveLength(2);
    expect((await call("GET", `/schedules/${s.uuid}`)).body.next_fire_at).toBe(new Date(due + 2 * 86_400_000).toISOString());
  });

  it("does not fire a paused schedule; resuming it moves its next fire on from now", async () => {
    const flow = await hello();
    const s = await schedule({ flow: flow.uuid, audience: { groups: [await group([])] }, schedule: { kind: "weekly", weekdays: ["mon", "thu"], time: "09:30", timezone: "Europe/Paris" } });
    expect((await call("POST", `/schedules/${s.uuid}/pause`)).body).toMatchObject({ paused: true });
    await tick(Date.parse(s.next_fire_at) + 1000);
    expect(await startsOf(s.uuid)).toEqual([]);
    const resumed = (await call("POST", `/schedules/${s.uuid}/resume`)).body;
    expect(resumed).toMatchObject({ paused: false, next_fire_at: s.next_fire_at, description: "every Monday and Thursday at 09:30 (Europe/Paris)" });
  });

  it("fires only the due schedules among many that are not due", { timeout: 30_000 }, async () => {
    const flow = await hello();
    const audience = { groups: [await group([])] };
    const due: string[] = [];
    const later: string[] = [];
    for (let i = 0; i < 10; i++) due.push((await schedule({ flow: flow.uuid, audience, schedule: { kind: "once", date: "2031-01-01", time: "09:00", timezone: "UTC" } })).uuid);
    // Many more that are not due yet, written straight to D1 (as the API would) to keep the test quick.
    const template = JSON.stringify({ audience, options: { interrupt: true } });
    const rows = Array.from({ length: 2000 }, (_, i) => [crypto.randomUUID(), `2031-01-0${1 + (i % 5)}T09:01:00.000Z`]);
    later.push(...rows.map((r) => r[0]));
    await env.DB.batch(
      Array.from({ length: rows.length / 20 }, (_, b) => rows.slice(b * 20, b * 20 + 20)).map((chunk) =>
        env.DB.prepare(
          `INSERT INTO schedules (uuid, schedule, flow_uuid, start, next_fire_at, created_on, modified_on) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')").join(", ")}`,
        ).bind(...chunk.flatMap(([uuid, at]) => [uuid, JSON.stringify({ kind: "once", date: at.slice(0, 10), time: "09:01", timezone: "UTC" }), flow.uuid, template, at])),
      ),
    );

    await tick("2031-01-01T09:00:30Z");
    const fired = await env.DB.prepare("SELECT schedule_uuid FROM starts WHERE fire_id LIKE ?").bind("%@2031-01-01T09:0%").all<{ schedule_uuid: string }>();
    expect(fired.results.map((r) => r.schedule_uuid).sort()).toEqual([...due].sort());
    for (const uuid of due) expect((await call("GET", `/schedules/${uuid}`)).body).toMatchObject({ next_fire_at: null, last_fired_at: "2031-01-01T09:00:00.000Z" });
    expect((await call("GET", `/schedules/${later[0]}`)).body).toMatchObject({ next_fire_at: "2031-01-01T09:01:00.000Z", last_fired_at: null });
    // The tick found them through the index over live schedules' next fires.
    const plan = await env.DB.prepare("EXPLAIN QUERY PLAN SELECT uuid FROM schedules WHERE paused = 0 AND next_fire_at <= ? ORDER BY next_fire_at LIMIT 100").bind("x").all<{ detail: string }>();
    expect(plan.results.map((r) => r.detail).join(" ")).toMatch(/USING INDEX schedules_due/);
  });

  it("validates, updates, and deletes schedules; POST /starts with a schedule makes one", async () => {
    const flow = await hello();
    const audience = { groups: [await group([])] };
    const bad = await call("POST", "/schedules", { flow: flow.uuid, audience, schedule: { kind: "monthly", day: 32, time: "25:00", timezone: "Africa/Kigalli" } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(["schedule.day", "schedule.time", "schedule.timezone"]);
    expect((await call("POST", "/schedules", { flow: flow.uuid, audience, schedule: { kind: "once", date: "2020-01-01", time: "09:00", timezone: "UTC" } })).body).toMatchObject({
      issues: [{ path: "schedule", message: expect.stringContaining("never fire") }],
    });

    const viaStart = await call("POST", "/starts", { flow: flow.uuid, audience, options: { interrupt: false }, when: { kind: "yearly", month: 2, day: 29, time: "08:00", timezone: "UTC" } });
    expect(viaStart.status).toBe(201);
    expect(viaStart.body).toMatchObject({ options: { interrupt: false }, description: "every year on 29 February (28 February in other years) at 08:00 (UTC)", paused: false });

    const updated = await call("PATCH", `/schedules/${viaStart.body.uuid}`, { schedule: { kind: "once", date: "2032-05-04", time: "12:00", timezone: "UTC" } });
    expect(updated.body).toMatchObject({ next_fire_at: "2032-05-04T12:00:00.000Z", options: { interrupt: false } });
    expect((await call("PATCH", `/schedules/${viaStart.body.uuid}`, { schedule: { kind: "weekly", weekdays: [], time: "12:00", timezone: "UTC" } })).status).toBe(400);

    expect((await call("DELETE", `/schedules/${viaStart.body.uuid}`)).status).toBe(204);
    expect((await call("GET", `/schedules/${viaStart.body.uuid}`)).status).toBe(404);
  });
});
