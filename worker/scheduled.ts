import { sealChannels } from "./channels/secrets";
import { Budget, INVOCATION_BUDGET, type Cost } from "./limits/budget";
import { DUE_COLUMNS, fireWithin, type Due } from "./schedules/fire";
import { enqueueFires } from "./schedules/queue";
import { begin } from "./starts/create";

/** Due schedules read per query. */
const PAGE = 100;
/** A tick hands at most this many fires to the queue; the rest are still due at the next tick. */
const MAX_QUEUED = 10_000;
/** A start still pending this long after it was made never reached its coordinator: begin it again. */
const STUCK_MS = 60_000;
/** A running start whose coordinator has not reported for this long may have lost its alarm. */
const STALE_MS = 5 * 60_000;
/** Starts the sweep looks at per tick, of each kind. */
const SWEEP = 50;
// The starts sweep, then sealing channel secrets (worker/channels/secrets.ts).
const SWEEP_COST: Cost = { subrequests: 1 + 2 * SWEEP + 2, queries: 2 + 21 };

/**
 * The tick's budget, and the part of it spent firing schedules itself (the first due, with no
 * queue latency); the rest pages through what is due and hands it to the queue. Tests change these.
 */
export const cronBudget: { tick: Cost; inline: Cost } = { tick: { ...INVOCATION_BUDGET }, inline: { subrequests: 200, queries: 200 } };

/**
 * Fires the schedules due at `at` (docs/schedules.md): an indexed range over live schedules' next
 * fires, so its cost follows what is due, not how many schedules there are. Each fire costs a few
 * D1 queries and a Durable Object call, so the tick fires what fits its per-invocation budget and
 * hands the rest to the SCHEDULE_FIRES queue, whose batches are invocations of their own. The
 * starts made fan out in their coordinators, not here.
 */
export async function fireDueSchedules(env: Env, at: Date, budget: Budget): Promise<{ made: string[]; queued: number }> {
  const made: string[] = [];
  let queued = 0;
  // Fires made here spend from both the tick's budget and their own share of it.
  const inline = new Budget(cronBudget.inline, budget);
  let after: Due | undefined;
  // Each page is one query, then at most one queue send per 100 schedules of it.
  const pageCost = { subrequests: 1 + Math.ceil(PAGE / 100), queries: 1 };
  while (queued < MAX_QUEUED && budget.fits(pageCost, SWEEP_COST)) {
    // Fires handed to the queue are still due: the cursor steps over them.
    const due = await env.DB.prepare(
      `SELECT ${DUE_COLUMNS} FROM schedules WHERE paused = 0 AND next_fire_at <= ?1
       AND (?2 IS NULL OR (next_fire_at, uuid) > (?2, ?3)) ORDER BY next_fire_at, uuid LIMIT ?4`,
    )
      .bind(at.toISOString(), after?.next_fire_at ?? null, after?.uuid ?? null, PAGE)
      .all<Due>();
    budget.d1();
    const rows = due.results;
    let left = rows;
    if (!queued) {
      const fired = await fireWithin(env, rows, at, inline, { subrequests: 0, queries: 0 });
      made.push(...fired.made);
      left = fired.left;
    }
    if (left.length) {
      budget.spend({ subrequests: await enqueueFires(env, left, at), queries: 0 });
      queued += left.length;
    }
    if (rows.length < PAGE) break;
    after = rows[rows.length - 1];
  }
  return { made, queued };
}

/**
 * Starts whose coordinator was never told about them (the Worker died in between) are begun
 * again, and running ones that stopped reporting get their coordinator's alarm back if it has
 * none (both calls do nothing to a start that is going).
 */
async function sweepStarts(env: Env, at: Date, budget: Budget): Promise<void> {
  const [stuck, stale] = await env.DB.batch<{ uuid: string }>([
    env.DB.prepare("SELECT uuid FROM starts WHERE status = 'pending' AND created_on <= ? ORDER BY created_on LIMIT ?").bind(new Date(at.getTime() - STUCK_MS).toISOString(), SWEEP),
    env.DB.prepare("SELECT uuid FROM starts WHERE status = 'running' AND modified_on <= ? ORDER BY modified_on LIMIT ?").bind(new Date(at.getTime() - STALE_MS).toISOString(), SWEEP),
  ]);
  budget.d1(2);
  budget.spend({ subrequests: stuck.results.length + stale.results.length, queries: 0 });
  await Promise.all([...stuck.results.map((s) => begin(env, s.uuid)), ...stale.results.map((s) => env.STARTS.getByName(s.uuid).resume())]);
}

/** "run_for_a_year" flows are looked at once a day, on the tick at this UTC hour and minute 0. */
export const IDLE_CHECK_HOUR = 3;
const YEAR_MS = 365 * 24 * 3600_000;
/** Flows paused per check; more wait for the next day. */
const IDLE_PAGE = 100;

/**
 * Pauses the active flows whose entry window says "run_for_a_year" and in which nothing has run
 * for a year (docs/flow-settings.md): not published, no run entered, and no run still in it that
 * moved, in the year before `at`. Two D1 queries: the runs are looked up through their indexes
 * (runs_flow_created, runs_live) for the few flows with such a window.
 */
export async function pauseIdleFlows(env: Env, at: Date, budget: Budget): Promise<string[]> {
  if (!budget.fits({ subrequests: 2, queries: 2 })) return [];
  const cutoff = new Date(at.getTime() - YEAR_MS).toISOString();
  const idle = await env.DB.prepare(
    `SELECT f.uuid FROM flows f WHERE f.status = 'active' AND json_extract(f.entry_window, '$.end') = 'run_for_a_year'
     AND NOT EXISTS (SELECT 1 FROM flow_versions v WHERE v.flow_uuid = f.uuid AND v.published_on > ?1)
     AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.flow_uuid = f.uuid AND r.created_on > ?1)
     AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.flow_uuid = f.uuid AND r.status IN ('active', 'waiting') AND r.modified_on > ?1)
     LIMIT ?2`,
  )
    .bind(cutoff, IDLE_PAGE)
    .all<{ uuid: string }>();
  budget.d1();
  const uuids = idle.results.map((r) => r.uuid);
  if (!uuids.length) return [];
  // modified_on moves: contact objects see the change with their next assets check.
  await env.DB.prepare("UPDATE flows SET status = 'paused', modified_on = ?1 WHERE uuid IN (SELECT value FROM json_each(?2)) AND status = 'active'")
    .bind(at.toISOString(), JSON.stringify(uuids))
    .run();
  budget.d1();
  return uuids;
}

/** Fired by the cron trigger every minute (locally, `npm start` calls it). */
export async function runScheduled(env: Env, at: Date): Promise<void> {
  const budget = new Budget(cronBudget.tick);
  await env.DB.prepare("INSERT INTO cron_ticks (fired_at) VALUES (?)").bind(at.toISOString()).run();
  budget.d1();
  await fireDueSchedules(env, at, budget);
  await sweepStarts(env, at, budget);
  if (at.getUTCHours() === IDLE_CHECK_HOUR && at.getUTCMinutes() === 0) await pauseIdleFlows(env, at, budget);
  // Channels stored before secrets were encrypted, or under a rotated key, are sealed, a few a tick (two D1 calls at most).
  budget.spend({ subrequests: 2, queries: 21 });
  await sealChannels(env.DB);
}
