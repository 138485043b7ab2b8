import type { MsgWait } from "../flow/schema";
import { msgWait } from "../events/msg";
import type { Session } from "../session/session";
import type { RunJSON, StepJSON } from "../session/types";
import { addSeconds, formatTime } from "../time";

/** goflow's default when a flow says nothing: a waiting run expires after a week. */
export const DEFAULT_EXPIRE_AFTER_MINUTES = 7 * 24 * 60;

/**
 * goflow's rule for message-triggered sessions: the triggering message answers the first wait when
 * that wait is on the very first node of the session's only run, so "keyword, then question"
 * flows don't ask for what the contact just said. Any later wait waits.
 */
export function triggerAnswersWait(session: Session, run: RunJSON): boolean {
  return session.trigger.type === "msg" && session.json.runs.length === 1 && run.path.length === 1;
}

/**
 * Begins a message wait: the run and session wait, the run expires after the flow's
 * `expire_after_minutes`, and `msg_wait` tells the caller when to fire the timeout and expiration.
 */
export function beginMsgWait(session: Session, run: RunJSON, step: StepJSON, wait: MsgWait, expireAfterMinutes: number | undefined): void {
  const minutes = expireAfterMinutes || DEFAULT_EXPIRE_AFTER_MINUTES;
  const expiresOn = formatTime(addSeconds(session.services.now(), minutes * 60));
  run.status = "waiting";
  run.expires_on = expiresOn;
  const timeout = wait.timeout?.seconds;
  session.json.status = "waiting";
  session.json.wait = { type: "msg", ...(timeout !== undefined ? { timeout_seconds: timeout } : {}), expires_on: expiresOn };
  session.log(run, step, msgWait({ ...(timeout !== undefined ? { timeout_seconds: timeout } : {}), expires_on: expiresOn, ...(wait.hint ? { hint: wait.hint } : {}) }));
}
