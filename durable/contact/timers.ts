import { EngineError } from "../engine";
import { SPRINT_COST } from "./budget";
import { loadWorld } from "./contact";
import { iso, type Ctx } from "./context";
import { flushJournal } from "./d1-writes";
import { ended } from "./effects";
import { sendDue } from "./outbox";
import { commit, resumeSession, type Outcome } from "./sprints";
import { hasPendingStarts } from "./storage/entries";
import * as fanouts from "./storage/fanouts";
import * as inbox from "./storage/inbox";
import * as journal from "./storage/journal";
import * as outbox from "./storage/outbox";
import * as sessions from "./storage/sessions";
import * as timers from "./storage/timers";
import { isCurrent } from "./waits";

/** An accepted message or a D1 write still to do is retried this soon if its processing dies. */
export const RECOVERY_MS = 30_000;

/**
 * Fires every timer that is due, oldest first. A stale timer (its run moved on, e.g. the contact
 * replied first) is dropped and does nothing; a current one resumes its session, and is removed
 * in the same transaction that stores the result, so a repeated alarm can't fire it twice.
 */
export async function fireDueTimers(ctx: Ctx): Promise<void> {
  for (let t = timers.nextDue(ctx.sql, ctx.now()); t && ctx.budget.allows(SPRINT_COST); t = timers.nextDue(ctx.sql, ctx.now())) {
    const stored = sessions.byUuid(ctx.sql, t.session_uuid);
    if (!stored || !isCurrent(t, stored.session)) {
      timers.remove(ctx.sql, t.id);
      continue;
    }
    const world = await loadWorld(ctx);
    if (!world.contact) {
      timers.clearSession(ctx.sql, t.session_uuid);
      continue;
    }
    let outcome: Outcome;
    try {
      outcome = await resumeSession(ctx, { assets: world.assets, contact: world.contact }, stored, { type: t.kind });
    } catch (e) {
      if (!(e instanceof EngineError)) throw e;
      console.error("contact", ctx.contactUuid, `${t.kind} not run:`, e.message);
      outcome = { kind: stored.kind, change: { before: stored.session, after: ended(stored.session, "failed", iso(ctx.now())), events: [], pins: stored.pins } };
    }
    commit(ctx, world.assets, [outcome], { timerId: t.id });
    await sendDue(ctx, world);
    await flushJournal(ctx);
  }
}

/** When the object's one alarm should ring: the earliest timer, send, or recovery of unfinished work. */
export function nextAlarmAt(sql: SqlStorage, now: number): number | null {
  const candidates: number[] = [];
  const timer = timers.earliest(sql);
  if (timer !== null) candidates.push(timer);
  const fanout = fanouts.nextAt(sql);
  if (fanout !== null) candidates.push(fanout);
  for (const send of outbox.heads(sql, now)) candidates.push(Math.max(send.next_attempt_at, send.rate_slot ?? 0));
  const held = outbox.earliestHold(sql, now);
  if (held !== null) candidates.push(held);
  if (inbox.hasPending(sql) || hasPendingStarts(sql)) candidates.push(now + RECOVERY_MS);
  // A journal entry waits for its backoff, or (never tried: its flush died) for the recovery time.
  const journalAt = journal.nextAttemptAt(sql);
  if (journalAt !== null) candidates.push(journalAt > now ? journalAt : now + RECOVERY_MS);
  return candidates.length ? Math.min(...candidates) : null;
}
