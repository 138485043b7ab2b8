import type { Scope } from "../actions/base";
import { fromEpochNanos, type DateTimeValue } from "../excellent/dates";
import { error } from "../events/diagnostics";
import { dateWait, pauseWait } from "../events/wait";
import type { TimedWait } from "../flow/schema";
import type { ResumeJSON } from "../resumes";
import type { Routed } from "../routers";
import type { WaitJSON } from "../session/types";
import { formatTime, parseTime } from "../time";
import { zoneNamed } from "./clock";
import { dateDue } from "./date";
import { pauseDue } from "./pause";

/** Where a timed wait leaves the node: still waiting, or through one of its categories now. */
export type TimedOutcome = "waiting" | Extract<Routed, { categoryUUID: string }>;

/**
 * Journeys' timed waits (docs/journeys.md): a pause and a wait for a date. They never take a
 * message; the session waits until its `wait.resumes_on`, when the caller resumes it with
 * `time_passed`. A due time already past exits at once, so a contact is never stuck waiting for a
 * moment that will not come.
 */
export function beginTimedWait(wait: TimedWait, scope: Scope): TimedOutcome {
  const now = fromEpochNanos(scope.session.services.now());
  const zone = zoneNamed(scope.env.timezone);
  if (wait.type === "pause") {
    const due = pauseDue(wait, scope, now, zone);
    if ("error" in due) {
      scope.log(error(due.error));
      return { categoryUUID: wait.category_uuid, value: "", input: "" };
    }
    return due.compare(now) > 0 ? waitUntil(wait, scope, due) : reached(wait, due);
  }
  const due = dateDue(wait, scope.session.json.contact, now.inZone(zone), zone);
  if (!due) return { categoryUUID: wait.no_date_category_uuid, value: "", input: "" };
  return due.compare(now) > 0 ? waitUntil(wait, scope, due) : reached(wait, due);
}

/**
 * A `time_passed` resume. A pause ends (one resumed before its due time is refused: a stale timer).
 * A wait for a date is planned again from the contact as it is now, counting from when the contact
 * reached it: a field moved later waits again, one emptied takes "no date".
 */
export function resumeTimedWait(wait: TimedWait, scope: Scope, waited: WaitJSON | undefined, resumedOn: bigint): TimedOutcome | { refused: string } {
  if (wait.type === "pause") {
    const due = waited?.resumes_on ? parseTime(waited.resumes_on) : null;
    if (due !== null && resumedOn < due) return { refused: `the pause ends at ${waited!.resumes_on}, not before` };
    return reached(wait, fromEpochNanos(due ?? resumedOn));
  }
  const zone = zoneNamed(scope.env.timezone);
  const arrived = fromEpochNanos(parseTime(scope.step.arrived_on) ?? resumedOn, zone);
  const due = dateDue(wait, scope.session.json.contact, arrived, zone);
  if (!due) return { categoryUUID: wait.no_date_category_uuid, value: "", input: "" };
  return due.toEpochNanos() > resumedOn ? waitUntil(wait, scope, due) : reached(wait, due);
}

/** Why a resume does not fit the wait the session is at, if it doesn't. */
export function resumeMismatch(waitType: string, resume: ResumeJSON): string | undefined {
  const timed = waitType !== "msg";
  if (timed && (resume.type === "msg" || resume.type === "wait_timeout")) return `a ${waitType} wait does not take a ${resume.type} resume`;
  if (!timed && resume.type === "time_passed") return "a msg wait does not take a time_passed resume";
  return undefined;
}

function waitUntil(wait: TimedWait, scope: Scope, due: DateTimeValue): "waiting" {
  const resumesOn = formatTime(due.toEpochNanos());
  const { session, run } = scope;
  run.status = "waiting";
  session.json.status = "waiting";
  session.json.wait = { type: wait.type, resumes_on: resumesOn };
  scope.log(wait.type === "pause" ? pauseWait(resumesOn) : dateWait(resumesOn, wait.field));
  return "waiting";
}

function reached(wait: TimedWait, due: DateTimeValue): TimedOutcome {
  return { categoryUUID: wait.category_uuid, value: formatTime(due.toEpochNanos()), input: "" };
}
