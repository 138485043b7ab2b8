import type { EventJSON, RunJSON, SessionJSON } from "../engine";
import type * as timers from "./storage/timers";

export function waitingRun(session: SessionJSON): RunJSON | undefined {
  return [...session.runs].reverse().find((r) => r.status === "waiting");
}

/**
 * The timers for a session that ends a sprint waiting: its expiration, and its timeout, which
 * counts from the moment the provider accepts the last message sent before the wait (`sendable`
 * are the messages of this sprint that went to the outbox); with no such message, from now.
 */
export function waitTimers(session: SessionJSON, events: EventJSON[], sendable: Set<string>, now: number): timers.NewTimer[] {
  if (session.status !== "waiting" || !session.wait) return [];
  const run = waitingRun(session);
  const step = run?.path[run.path.length - 1];
  if (!run || !step) return [];
  const at = { session_uuid: session.uuid, run_uuid: run.uuid, step_uuid: step.uuid, node_uuid: step.node_uuid };
  const out: timers.NewTimer[] = [];
  if (session.wait.expires_on) {
    out.push({ kind: "wait_expiration", due_at: Date.parse(session.wait.expires_on), after_outbox: null, seconds: null, ...at });
  }
  const seconds = session.wait.timeout_seconds;
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

/** A timer still applies only if its run is still waiting at the very step it was set for. */
export function isCurrent(t: timers.TimerRow, session: SessionJSON | undefined): boolean {
  if (!session || session.status !== "waiting") return false;
  const run = waitingRun(session);
  return run?.uuid === t.run_uuid && run.path[run.path.length - 1]?.uuid === t.step_uuid;
}
