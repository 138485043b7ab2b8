import { env } from "cloudflare:workers";
import { EngineError, type ContactJSON, type ResumeJSON } from "../engine";
import { SPRINT_COST } from "./budget";
import { fireDateTrigger } from "./date-triggers";
import { loadWorld } from "./contact";
import { iso, type Ctx } from "./context";
import { flushJournal } from "./d1-writes";
import { ended } from "./effects";
import { sendDue } from "./outbox";
import { commit, resumeSession, type Outcome, type World } from "./sprints";
import * as events from "./storage/events";
import { hasPendingStarts } from "./storage/entries";
import * as fanouts from "./storage/fanouts";
import * as inbox from "./storage/inbox";
import * as journal from "./storage/journal";
import * as outbox from "./storage/outbox";
import * as sessions from "./storage/sessions";
import * as timers from "./storage/timers";
import { isCurrent, waitingRun, type EventCheck, type ProfileCheck } from "./waits";

/** An accepted message or a D1 write still to do is retried this soon if its processing dies. */
export const RECOVERY_MS = 30_000;

/** A timer that is not a session's wait: its handler removes or moves its row with what it does. */
export type TimerHandler = (ctx: Ctx, t: timers.TimerRow) => Promise<void>;

/** Handlers by kind, for timers without a session (a kind of timer elsewhere in the object is one line here). */
const HANDLERS: Partial<Record<timers.TimerKind, TimerHandler>> = { date_trigger: fireDateTrigger };

/** How many stored events one `event_check` offers its wait per step. */
const EVENTS_PER_CHECK = 100;

/**
 * Fires every timer that is due, oldest first. A stale timer (its run moved on, e.g. the contact
 * replied first) is dropped and does nothing; a current one resumes its session, and is removed
 * in the same transaction that stores the result, so a repeated alarm can't fire it twice.
 */
export async function fireDueTimers(ctx: Ctx): Promise<void> {
  for (let t = timers.nextDue(ctx.sql, ctx.now()); t && ctx.budget.allows(SPRINT_COST); t = timers.nextDue(ctx.sql, ctx.now())) {
    const handler = HANDLERS[t.kind];
    if (handler) {
      await handler(ctx, t);
      continue;
    }
    const stored = t.session_uuid ? sessions.byUuid(ctx.sql, t.session_uuid) : undefined;
    if (!stored || !isCurrent(t, stored.session)) {
      timers.remove(ctx.sql, t.id);
      continue;
    }
    const woke = ctx.now();
    const world = await loadWorld(ctx);
    if (!world.contact) {
      timers.clearSession(ctx.sql, stored.session.uuid);
      continue;
    }
    if (t.kind === "event_check") await offerEvents(ctx, { assets: world.assets, contact: world.contact }, stored, t);
    else await resumeFor(ctx, { assets: world.assets, contact: world.contact }, stored, t, woke);
  }
}

/** The resume a session's timer stands for, or null when a profile check finds no news for its wait. */
function resumeOf(ctx: Ctx, contact: ContactJSON, stored: sessions.StoredSession, t: timers.TimerRow): ResumeJSON | null {
  const now = iso(ctx.now());
  if (t.kind === "time_passed") return { type: "time_passed", resumed_on: now };
  if (t.kind !== "profile_check") return { type: t.kind as "wait_timeout" | "wait_expiration" };
  if (stored.session.wait?.type === "profile_change") return { type: "profile_changed", contact };
  // A wait for a date is planned again (resumed early: the engine waits on to the new due time)
  // when its field or the contact's time zone changed.
  const check = timers.payloadOf<ProfileCheck>(t);
  const value = (contact.fields?.[check.field ?? ""] as { text?: string } | undefined)?.text ?? "";
  if (value === (check.value ?? "") && (contact.timezone ?? "") === (check.timezone ?? "")) return null;
  return { type: "time_passed", resumed_on: now };
}

async function resumeFor(ctx: Ctx, world: World, stored: sessions.StoredSession, t: timers.TimerRow, woke: number): Promise<void> {
  const loaded = ctx.now();
  const resume = resumeOf(ctx, world.contact, stored, t);
  if (!resume) {
    timers.reschedule(ctx.sql, t.id, null);
    return;
  }
  let outcome: Outcome;
  try {
    outcome = await resumeSession(ctx, world, stored, resume);
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    console.error("contact", ctx.contactUuid, `${t.kind} not run:`, e.message);
    outcome = { kind: stored.kind, change: { before: stored.session, after: ended(stored.session, "failed", iso(ctx.now())), events: [], pins: stored.pins } };
  }
  // No news (a change to another field): the session waits on as it was, and the watch goes idle.
  if (unmoved(outcome, t)) {
    timers.reschedule(ctx.sql, t.id, null);
    return;
  }
  await store(ctx, world, outcome, t, { woke, loaded });
}

/**
 * Offers a wait for an event the stored events of its name, oldest first, from the check's
 * `from_id` (0 on arrival: the engine takes only those since the step, or since the run began with
 * `since_entered`). The first it takes moves the session on; if none, the watch goes idle until
 * more are recorded. Those from before the run began can't answer it and are not offered.
 */
async function offerEvents(ctx: Ctx, world: World, stored: sessions.StoredSession, t: timers.TimerRow): Promise<void> {
  const check = timers.payloadOf<EventCheck>(t);
  const began = Date.parse(waitingRun(stored.session)!.created_on);
  const list = events.named(ctx.sql, check.name, check.from_id, EVENTS_PER_CHECK);
  for (const e of list) {
    if (Date.parse(e.time) < began) continue;
    if (!ctx.budget.allows(SPRINT_COST)) {
      timers.reschedule(ctx.sql, t.id, ctx.now(), { ...check, from_id: e.id } satisfies EventCheck);
      return;
    }
    let outcome: Outcome;
    try {
      outcome = await resumeSession(ctx, world, stored, { type: "event", event: { name: e.name, properties: e.properties, occurred_on: e.time } });
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      console.error("contact", ctx.contactUuid, "event not run:", err.message);
      continue;
    }
    if (!unmoved(outcome, t)) return store(ctx, world, outcome, t);
  }
  const next = list.length ? list[list.length - 1].id + 1 : check.from_id;
  // A full page: the rest is offered next (due at once); else idle until more are recorded.
  timers.reschedule(ctx.sql, t.id, list.length === EVENTS_PER_CHECK ? ctx.now() : null, { ...check, from_id: next } satisfies EventCheck);
}

/** Whether a resume left the session waiting where it was, with nothing to tell. */
function unmoved(o: Outcome, t: timers.TimerRow): boolean {
  return !o.change.events.length && isCurrent(t, o.change.after);
}

async function store(ctx: Ctx, world: World, outcome: Outcome, t: timers.TimerRow, marks?: { woke: number; loaded: number }): Promise<void> {
  const resumed = ctx.now();
  commit(ctx, world.assets, [outcome], { timerId: t.id });
  const committed = ctx.now();
  await sendDue(ctx, world);
  const sent = ctx.now();
  await flushJournal(ctx);
  // Where a fire spent its time, for the timers bench (bench/timers.bench.ts): epoch ms of each step's end.
  if (marks && (env as { EDDY_USAGE_LOG?: string }).EDDY_USAGE_LOG)
    console.log(`eddy-timer ${ctx.contactUuid} due=${t.due_at} woke=${marks.woke} loaded=${marks.loaded} resumed=${resumed} committed=${committed} sent=${sent} flushed=${ctx.now()}`);
}

/**
 * The contact changed (the API, or a flow): every wait for a profile change, and every wait for a
 * date, except in the sessions that made the change, looks at the contact again (their watches are
 * due now, fired by fireDueTimers).
 */
export function contactChanged(sql: SqlStorage, now: number, except: Set<string> = new Set()): number {
  let n = 0;
  for (const t of timers.ofKind(sql, "profile_check")) {
    if (t.session_uuid && except.has(t.session_uuid)) continue;
    timers.reschedule(sql, t.id, now);
    n++;
  }
  return n;
}

/** Events were recorded (`ids` in order): every wait for one of their names is offered them. */
export function eventsRecorded(sql: SqlStorage, now: number, recorded: { name: string; id: number }[]): void {
  for (const t of timers.ofKind(sql, "event_check")) {
    const check = timers.payloadOf<EventCheck>(t);
    const first = recorded.find((e) => e.name === check.name);
    if (!first) continue;
    // Due already (not all offered yet): it goes on from where it was.
    const from = t.due_at === null ? first.id : Math.min(check.from_id, first.id);
    timers.reschedule(sql, t.id, now, { ...check, from_id: from } satisfies EventCheck);
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
