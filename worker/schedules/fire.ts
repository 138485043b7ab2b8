import { begin, startStatements } from "../starts/create";
import type { Audience, StartOptions } from "../starts/spec";
import { derivedUuid } from "../uuid";
import { MAX_BOUND_PARAMETERS } from "../db";
import type { Budget, Cost } from "../limits/budget";
import { nextFire } from "./next-fire";
import type { Schedule } from "./schema";

/** A due schedule as the tick reads it. */
export type Due = { uuid: string; schedule: string; flow_uuid: string; start: string; next_fire_at: string; origin: string | null };

export const DUE_COLUMNS = "uuid, schedule, flow_uuid, start, next_fire_at, origin";

/**
 * The most one fire can cost: resolving its URNs' owners (twice when some are new, with a batch
 * creating them), the batch recording the start, its named contacts and the schedule's next fire,
 * and the coordinator's `begin()`. An upper bound, so a fire that is started always fits.
 */
export function fireCost(s: Due): Cost {
  const { audience } = JSON.parse(s.start) as { audience: Audience };
  const contacts = audience.contacts?.length ?? 0;
  const urns = audience.urns?.length ?? 0;
  const ownerQueries = 2 * Math.ceil(urns / Math.floor(MAX_BOUND_PARAMETERS / 2));
  const created = urns ? 2 * Math.ceil(urns / Math.floor(MAX_BOUND_PARAMETERS / 3)) : 0;
  const named = Math.ceil((contacts + urns) / Math.floor(MAX_BOUND_PARAMETERS / 2));
  return {
    subrequests: ownerQueries + (urns ? 1 : 0) + 1 + 1,
    queries: ownerQueries + created + named + 2,
  };
}

/**
 * One fire: the start and the schedule's next fire commit together, in one batch. The fire id's
 * unique index makes a second tick for the same fire create nothing, and `next_fire_at = ?old`
 * keeps it from moving the schedule on twice. Returns the start's uuid.
 */
async function fire(env: Env, s: Due, at: Date): Promise<string> {
  const fireId = `${s.uuid}@${s.next_fire_at}`;
  // Every tick (or queue batch) that handles the same fire names the same start.
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
 * Fires schedules in order while each one's cost fits the budget (keeping `reserve` for what the
 * caller must still do), then begins the starts made. Returns the ones that did not fit, in order:
 * the first that does not fit stops the firing, so schedules fire in the order they fell due.
 */
export async function fireWithin(env: Env, due: Due[], at: Date, budget: Budget, reserve: Cost): Promise<{ made: string[]; left: Due[] }> {
  const made: string[] = [];
  let i = 0;
  for (; i < due.length; i++) {
    const cost = fireCost(due[i]);
    if (!budget.fits(cost, reserve)) break;
    budget.spend(cost);
    try {
      made.push(await fire(env, due[i], at));
    } catch (e) {
      // One schedule that cannot fire (its audience's URNs, say) must not hold up the others; it stays due.
      console.error("schedule", due[i].uuid, "did not fire:", e instanceof Error ? e.message : String(e));
    }
  }
  await Promise.all(made.map((uuid) => begin(env, uuid)));
  return { made, left: due.slice(i) };
}
