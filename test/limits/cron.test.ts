import { createExecutionContext, createMessageBatch, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { cronBudget } from "../../worker/scheduled";
import type { QueuedFire } from "../../worker/schedules/queue";
import { CLOUDFLARE_LIMITS, INVOCATION_BUDGET } from "../../worker/limits/budget";
import { linearFlow, publishFlow, say } from "../contact/support";
import { group } from "../starts/support";
import { capturedQueue, invocation, recordedNamespace, subrequests, type Cost } from "./count";

const defaults = structuredClone(cronBudget);
afterEach(() => Object.assign(cronBudget, structuredClone(defaults)));

/** `n` once-schedules of `flow` due at `at`, written straight to D1 (as the API would) to keep the test quick. */
async function dueSchedules(n: number, flow: string, at: string): Promise<string[]> {
  const audience = { groups: [await group([])] };
  const template = JSON.stringify({ audience, options: { interrupt: true } });
  const schedule = JSON.stringify({ kind: "once", date: at.slice(0, 10), time: at.slice(11, 16), timezone: "UTC" });
  const uuids = Array.from({ length: n }, () => crypto.randomUUID());
  const rows = 20; // 5 parameters a row: 100, D1's most per statement
  await env.DB.batch(
    Array.from({ length: Math.ceil(n / rows) }, (_, b) => uuids.slice(b * rows, b * rows + rows)).map((chunk) =>
      env.DB.prepare(
        `INSERT INTO schedules (uuid, schedule, flow_uuid, start, next_fire_at, created_on, modified_on) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')").join(", ")}`,
      ).bind(...chunk.flatMap((uuid) => [uuid, schedule, flow, template, at])),
    ),
  );
  return uuids;
}

const hello = () => publishFlow(linearFlow("Reminder", "messaging_background", [{ actions: [say("Reminder")] }]));

async function firedStarts(at: string): Promise<{ uuid: string; schedule_uuid: string }[]> {
  return (await env.DB.prepare("SELECT uuid, schedule_uuid FROM starts WHERE fire_id LIKE ?").bind(`%@${at}`).all<{ uuid: string; schedule_uuid: string }>()).results;
}

const within = (c: Cost, limit: { subrequests: number; queries: number }) => subrequests(c) <= limit.subrequests && c.d1Queries <= limit.queries;

describe("the cron tick's per-invocation budget", () => {
  it("fires 1,000 schedules due in the same minute across the tick and queue batches, each invocation within budget", { timeout: 120_000 }, async () => {
    const flow = await hello();
    const at = "2040-01-01T09:00:00.000Z";
    const schedules = await dueSchedules(1000, flow.uuid, at);
    // The queue and the coordinators are stand-ins that record what they get: the test hands the
    // queued fires to the consumer itself, one counted batch at a time, and no start fans out.
    const queue = capturedQueue<QueuedFire>();
    const starts = recordedNamespace();
    const counted = { ...env, SCHEDULE_FIRES: queue, STARTS: starts } as unknown as Env;

    const invocations: Cost[] = [];
    const ctx = createExecutionContext();
    const { cost: tick } = await invocation("cron tick", async () => {
      worker.scheduled(createScheduledController({ scheduledTime: Date.parse(at) + 20_000, cron: "* * * * *" }), counted, ctx);
      await waitOnExecutionContext(ctx);
    });
    invocations.push(tick);
    let delivered = 0;
    while (delivered < queue.sent.length) {
      const bodies = queue.sent.slice(delivered, delivered + 100);
      delivered += bodies.length;
      const batch = createMessageBatch<QueuedFire>("eddy-schedule-fires", bodies.map((body, i) => ({ id: `m${delivered + i}`, timestamp: new Date(), attempts: 1, body })));
      const { cost } = await invocation("queue batch", () => worker.queue(batch, counted));
      invocations.push(cost);
    }

    // Every schedule fired once: one start each, begun once, and the schedule moved on.
    const made = await firedStarts(at);
    expect(made).toHaveLength(1000);
    expect(new Set(made.map((s) => s.schedule_uuid))).toEqual(new Set(schedules));
    const begun = starts.calls.filter((c) => c.method === "begin").map((c) => c.name);
    expect(begun).toHaveLength(1000);
    expect(new Set(begun)).toEqual(new Set(made.map((s) => s.uuid)));
    const left = await env.DB.prepare("SELECT count(*) AS n FROM schedules WHERE next_fire_at = ?").bind(at).first<{ n: number }>();
    expect(left!.n).toBe(0);

    // The tick fired some itself and queued the rest; no invocation went past the budget.
    expect(invocations.length).toBeGreaterThan(2);
    for (const c of invocations) {
      expect(within(c, INVOCATION_BUDGET), `${c.name}: ${JSON.stringify(c)}`).toBe(true);
      expect(within(c, CLOUDFLARE_LIMITS)).toBe(true);
    }
    // What one queue batch of 100 costs: a read, then a batch and a begin() per fire.
    const full = invocations.find((c) => c.name === "queue batch")!;
    expect(full).toMatchObject({ objectCalls: 100, d1Calls: 101, d1Queries: 201, fetches: 0 });
    console.log("per invocation:", invocations.map((c) => `${c.name} ${subrequests(c)} subrequests, ${c.d1Queries} queries`).join("; "));
    // Their coordinators were stand-ins: the starts go, so no later sweep begins them.
    await env.DB.prepare("DELETE FROM starts WHERE fire_id LIKE ?").bind(`%@${at}`).run();
  });

  it("hands what the tick cannot fire to the SCHEDULE_FIRES queue, whose consumer fires it", { timeout: 30_000 }, async () => {
    // Two fires' worth of budget in the tick: the other four go through the real queue.
    cronBudget.inline = { subrequests: 4, queries: 4 };
    const flow = await hello();
    const at = "2041-03-04T05:06:00.000Z";
    const schedules = await dueSchedules(6, flow.uuid, at);
    const ctx = createExecutionContext();
    const { cost } = await invocation("cron tick", async () => {
      worker.scheduled(createScheduledController({ scheduledTime: Date.parse(at) + 1000, cron: "* * * * *" }), env, ctx);
      await waitOnExecutionContext(ctx);
    });
    // The tick began the two starts it made itself (the queue's consumer begins the others).
    expect(cost.objectCalls).toBe(2);
    for (let i = 0; i < 200 && (await firedStarts(at)).length < 6; i++) await new Promise((r) => setTimeout(r, 25));
    expect(new Set((await firedStarts(at)).map((s) => s.schedule_uuid))).toEqual(new Set(schedules));
  });
});
