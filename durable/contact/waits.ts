import type { EventJSON, RunJSON, SessionJSON } from "../engine";
import type * as timers from "./storage/timers";

export function waitingRun(session: SessionJSON): RunJSON | undefined {
  return [...session.runs].reverse().find((r) => r.status === "waiting");
}

/** The journeys' waits (docs/journeys.md): they never take a message. */
export const JOURNEY_WAITS = ["pause", "date", "event", "profile_change"];

export const isJourneyWait = (session: SessionJSON): boolean => JOURNEY_WAITS.includes(session.wait?.type ?? "msg");

/** What an `event_check` watch waits for, and the first stored event (by id) still to offer. */
export type EventCheck = { name: string; from_id: number };

/** What a `profile_check` watch knows: for a wait for a date, its field's value when it was planned. */
export type ProfileCheck = { field?: string; value?: string; timezone?: string };

/**
 * The timers for a session that ends a sprint waiting. A reply wait: its expiration, and its
 * timeout, which counts from the moment the provider accepts the last message sent before the
 * wait (`sendable` are the messages of this sprint that went to the outbox); with no such message,
 * from now. A journey wait: its `resumes_on` (`time_passed`), and the watch that an event
 * (`event_check`, due at once: events stored since the run began may answer it) or a change of the
 * contact (`profile_check`) makes due.
 */
export function waitTimers(session: SessionJSON, events: EventJSON[], sendable: Set<string>, now: number): timers.NewTimer[] {
  if (session.status !== "waiting" || !session.wait) return [];
  const run = waitingRun(session);
  const step = run?.path[run.path.length - 1];
  if (!run || !step) return [];
  const at = { session_uuid: session.uuid, run_uuid: run.uuid, step_uuid: step.uuid, node_uuid: step.node_uuid };
  const out: timers.NewTimer[] = [];
  const wait = session.wait;
  if (JOURNEY_WAITS.includes(wait.type)) {
    if (wait.resumes_on) out.push({ kind: "time_passed", due_at: ceilMs(wait.resumes_on), ...at });
    const began = [...events].reverse().find((e) => e.type === `${wait.type}_wait`);
    if (wait.type === "event" && began) out.push({ kind: "event_check", due_at: now, payload: { name: began.event as string, from_id: 0 } satisfies EventCheck, ...at });
    if (wait.type === "profile_change") out.push({ kind: "profile_check", due_at: null, ...at });
    if (wait.type === "date" && began) {
      const field = (began.field as { key: string }).key;
      const payload: ProfileCheck = { field, value: fieldText(session, field), timezone: session.contact?.timezone ?? "" };
      out.push({ kind: "profile_check", due_at: null, payload, ...at });
    }
    return out;
  }
  if (wait.expires_on) {
    out.push({ kind: "wait_expiration", due_at: Date.parse(wait.expires_on), ...at });
  }
  const seconds = wait.timeout_seconds;
  if (seconds !== undefined) {
    let afterOutbox: string | null = null;
    for (const e of events) {
      if (e.type === "msg_wait") break;
      const uuid = e.type === "msg_created" ? (e.msg as { uuid: string }).uuid : undefined;
      if (uuid && sendable.has(uuid)) afterOutbox = uuid;
    }
    out.push({ kind: "wait_timeout", due_at: afterOutbox ? null : now + seconds * 1000, after_outbox: afterOutbox, seconds, ...at });
  }
  return out;
}

/** The contact's field as the session has it, as text ("" when unset). */
export function fieldText(session: SessionJSON, key: string): string {
  return (session.contact?.fields?.[key] as { text?: string } | undefined)?.text ?? "";
}

/**
 * An RFC 3339 time in epoch milliseconds, rounded up: the engine refuses a `time_passed` before
 * `resumes_on`, which may have nanoseconds.
 */
export function ceilMs(rfc3339: string): number {
  const ms = Date.parse(rfc3339);
  const fraction = /\.(\d+)/.exec(rfc3339)?.[1] ?? "";
  return /[1-9]/.test(fraction.slice(3)) ? ms + 1 : ms;
}

/** A timer still applies only if its run is still waiting at the very step it was set for. */
export function isCurrent(t: timers.TimerRow, session: SessionJSON | undefined): boolean {
  if (!session || session.status !== "waiting") return false;
  const run = waitingRun(session);
  return run?.uuid === t.run_uuid && run.path[run.path.length - 1]?.uuid === t.step_uuid;
}
