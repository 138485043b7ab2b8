import { chunkRows } from "../db";
import { Budget } from "../limits/budget";
import { DUE_COLUMNS, fireWithin, type Due } from "./fire";

/** A due schedule handed to the SCHEDULE_FIRES queue: the fire it is for, and the tick's time. */
export type QueuedFire = { uuid: string; next_fire_at: string; at: string };

/** A queue send takes at most 100 messages. */
const SEND_BATCH = 100;
/** One queue send: what a tick or a consumer keeps in reserve to hand on what it cannot fire. */
export const SEND_COST = { subrequests: 1, queries: 0 };

/** Hands fires on to the queue, 100 messages to a send. Returns the number of sends made. */
export async function enqueueFires(env: Env, due: Due[], at: Date): Promise<number> {
  let sends = 0;
  for (let i = 0; i < due.length; i += SEND_BATCH) {
    await env.SCHEDULE_FIRES.sendBatch(due.slice(i, i + SEND_BATCH).map((s) => ({ body: { uuid: s.uuid, next_fire_at: s.next_fire_at, at: at.toISOString() } satisfies QueuedFire })));
    sends++;
  }
  return sends;
}

/**
 * The SCHEDULE_FIRES consumer: fires the batch's schedules within this invocation's budget and
 * sends what does not fit back to the queue. A schedule that fired meanwhile (a later tick, a
 * redelivery), was paused or edited no longer has the message's `next_fire_at` and is left alone.
 */
export async function fireQueued(env: Env, batch: MessageBatch<QueuedFire>): Promise<void> {
  const budget = new Budget();
  const fires = batch.messages.map((m) => m.body);
  const rows = new Map<string, Due>();
  for (const chunk of chunkRows([...new Set(fires.map((f) => f.uuid))], 1)) {
    const found = await env.DB.prepare(`SELECT ${DUE_COLUMNS} FROM schedules WHERE paused = 0 AND uuid IN (${chunk.map(() => "?").join(",")})`)
      .bind(...chunk)
      .all<Due>();
    budget.d1();
    for (const r of found.results) rows.set(r.uuid, r);
  }
  // Messages from one tick share its time; a batch may hold several ticks' messages.
  const byTick = new Map<string, Due[]>();
  for (const f of fires) {
    const row = rows.get(f.uuid);
    if (!row || row.next_fire_at !== f.next_fire_at) continue;
    rows.delete(f.uuid);
    byTick.set(f.at, [...(byTick.get(f.at) ?? []), row]);
  }
  const left: QueuedFire[] = [];
  for (const [at, due] of byTick) {
    const { left: rest } = left.length ? { left: due } : await fireWithin(env, due, new Date(at), budget, SEND_COST);
    left.push(...rest.map((s) => ({ uuid: s.uuid, next_fire_at: s.next_fire_at, at })));
  }
  if (left.length) await env.SCHEDULE_FIRES.sendBatch(left.map((body) => ({ body })));
}
