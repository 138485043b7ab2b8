import { nextFire } from "./schedules/next-fire";
import type { Schedule } from "./schedules/schema";
import { begin, startStatements } from "./starts/create";
import type { Audience, StartOptions } from "./starts/spec";
import { derivedUuid } from "./uuid";

/** Due schedules read per query; a tick reads again while it gets full batches, up to MAX_ROUNDS. */
const BATCH = 100;
const MAX_ROUNDS = 10;
/** A start still pending this long after it was made never reached its coordinator: begin it again. */
const STUCK_MS = 60_000;

type Due = { uuid: string; schedule: string; flow_uuid: string; start: string; next_fire_at: string; origin: string | null };

/**
 * One fire: the start and the schedule's next fire commit together, in one batch. The fire id's
 * unique index makes a second tick for the same fire create nothing, and `next_fire_at = ?old`
 * keeps it from moving the schedule on twice. Returns the start's uuid.
 */
async function fire(env: Env, s: Due, at: Date): Promise<string> {
  const fireId = `${s.uuid}@${s.next_fire_at}`;
  // Every tick that handles the same fire names the same start.
  const uuid = await derivedUuid(fireId);
  const start = JSON.parse(s.start) as { audience: Audience; options: StartOptions };
  const next = nextFire(JSON.parse(s.schedule) as Schedule, at);
  const iso = at.toISOString();
  await env.DB.batch([
    ...(await startStatements(env.DB, { uuid, flowUuid: s.flow_uuid, audience: start.audience, options: start.options, origin: s.origin, scheduleUuid: s.uuid, fireId }, iso)),
    env.DB.prepare("UPDATE schedules SET next_fire_at = ?, last_fired_at = ?, modified_on = ? WHERE uuid = ? AND next_fire_at = ?").bind(
      next ? next.toISOString() : null,
      s.next_fire_at,
      iso,
      s.uuid,
      s.next_fire_at,
    ),
  ]);
  return uuid;
}

/**
 * Fires the schedules due at `at` (see docs/starts.md): an indexed range over live schedules'
 * next fires, so its cost follows what is due, not how many schedules there are. The starts it
 * makes fan out in their coordinators, not here.
 */
export async function fireDueSchedules(env: Env, at: Date): Promise<string[]> {
  const made: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const due = await env.DB.prepare(
      "SELECT uuid, schedule, flow_uuid, start, next_fire_at, origin FROM schedules WHERE paused = 0 AND next_fire_at <= ? ORDER BY next_fire_at LIMIT ?",
    )
      .bind(at.toISOString(), BATCH)
      .all<Due>();
    for (const s of due.results) {
      try {
        made.push(await fire(env, s, at));
      } catch (e) {
        // One schedule that cannot fire (its audience's URNs, say) must not hold up the others; it stays due.
        console.error("schedule", s.uuid, "did not fire:", e instanceof Error ? e.message : String(e));
      }
    }
    if (due.results.length < BATCH) break;
  }
  await Promise.all(made.map((uuid) => begin(env, uuid)));
  return made;
}

/** Starts whose coordinator was never told about them (the Worker died in between) are begun again. */
async function beginStuckStarts(env: Env, at: Date): Promise<void> {
  const stuck = await env.DB.prepare("SELECT uuid FROM starts WHERE status = 'pending' AND created_on <= ? ORDER BY created_on LIMIT 100")
    .bind(new Date(at.getTime() - STUCK_MS).toISOString())
    .all<{ uuid: string }>();
  await Promise.all(stuck.results.map((s) => begin(env, s.uuid)));
}

/** Fired by the cron trigger every minute (locally, `npm start` calls it). */
export async function runScheduled(env: Env, at: Date): Promise<void> {
  await env.DB.prepare("INSERT INTO cron_ticks (fired_at) VALUES (?)").bind(at.toISOString()).run();
  await fireDueSchedules(env, at);
  await beginStuckStarts(env, at);
}
