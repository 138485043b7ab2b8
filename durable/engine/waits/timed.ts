import type { Scope } from "../actions/base";
import { fromEpochNanos, type DateTimeValue } from "../excellent/dates";
import { error } from "../events/diagnostics";
import { dateWait, eventWait, pauseWait, profileChangeWait } from "../events/wait";
import type { DateWait, EventWait, PauseWait, ProfileChangeWait, TimedWait } from "../flow/schema";
import { saveResult } from "../results";
import { fromJSON } from "../excellent";
import { setVariable } from "../variables/run";
import type { ResumeJSON } from "../resumes";
import type { Routed } from "../routers";
import type { WaitJSON } from "../session/types";
import { formatTime, parseTime } from "../time";
import { zoneNamed } from "./clock";
import { dateDue } from "./date";
import { eventMatches } from "./event";
import { pauseDue } from "./pause";
import { watchedValue, watching } from "./profile-change";

/** Where a timed wait leaves the node: still waiting, or through one of its categories now. */
export type TimedOutcome = "waiting" | Extract<Routed, { categoryUUID: string }>;

/**
 * Journeys' waits that never take a message (docs/journeys.md): a pause and a wait for a date wait
 * until their `wait.resumes_on`, when the caller resumes them with `time_passed` (a due time
 * already past exits at once, so a contact is never stuck waiting for a moment that will not
 * come); a wait for a profile change waits for a `profile_changed`, or its timeout.
 */
export function beginTimedWait(wait: TimedWait, scope: Scope): TimedOutcome {
  const now = fromEpochNanos(scope.session.services.now());
  if (wait.type === "profile_change" || wait.type === "event") {
    const due = wait.timeout ? formatTime(now.toEpochNanos() + BigInt(wait.timeout.seconds) * 1_000_000_000n) : undefined;
    if (wait.type === "event") {
      setWaiting(scope, { type: wait.type, ...(due ? { resumes_on: due } : {}) });
      scope.log(eventWait(wait.event, due));
      return "waiting";
    }
    const watched = watchedValue(wait, scope.session.json.contact);
    setWaiting(scope, { type: wait.type, ...(due ? { resumes_on: due } : {}), watched });
    scope.log(profileChangeWait(watching(wait), due));
    return "waiting";
  }
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
export function resumeTimedWait(
  wait: TimedWait,
  scope: Scope,
  waited: WaitJSON | undefined,
  resume: ResumeJSON,
  resumedOn: bigint,
): TimedOutcome | { refused: string } {
  if (wait.type === "profile_change" || wait.type === "event") return resumeChangeOrEvent(wait, scope, waited, resume, resumedOn);
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

/**
 * `time_passed` at the timeout takes the timeout's category. A profile change takes the exit when
 * the watched value differs from what the wait saw; an event when it answers the wait (its
 * chosen properties saved as results, all of them as the router result's extra). Anything else
 * leaves the session waiting: a change to another field, another event, is no news.
 */
function resumeChangeOrEvent(
  wait: ProfileChangeWait | EventWait,
  scope: Scope,
  waited: WaitJSON | undefined,
  resume: ResumeJSON,
  resumedOn: bigint,
): TimedOutcome | { refused: string } {
  if (resume.type === "time_passed") {
    const due = waited?.resumes_on ? parseTime(waited.resumes_on) : null;
    if (!wait.timeout || due === null) return { refused: `this wait for ${wait.type === "event" ? "an event" : "a profile change"} has no timeout` };
    if (resumedOn < due) return { refused: `the wait times out at ${waited!.resumes_on}, not before` };
    return { categoryUUID: wait.timeout.category_uuid, value: "", input: "" };
  }
  if (wait.type === "event") {
    if (resume.type !== "event" || !eventMatches(wait, resume.event, scope.run, scope.step)) return setWaiting(scope, waited!);
    const properties = resume.event.properties ?? {};
    for (const name of wait.save ?? []) {
      const v = properties[name];
      if (v !== undefined && v !== null) saveResult(scope, name, typeof v === "string" ? v : JSON.stringify(v), "", "", resume.event.name, undefined);
    }
    for (const { property, variable } of wait.save_variables ?? []) {
      if (Object.hasOwn(properties, property)) setVariable(scope, variable, fromJSON(properties[property]), `the event's "${property}"`);
    }
    return { categoryUUID: wait.category_uuid, value: resume.event.name, input: resume.event.name, extra: properties };
  }
  const now = watchedValue(wait, scope.session.json.contact);
  if (now === (waited?.watched ?? "")) return setWaiting(scope, waited!);
  return { categoryUUID: wait.category_uuid, value: now, input: now };
}

/** The resumes each wait type takes besides `wait_expiration`. */
const RESUMES: Record<string, string[]> = {
  msg: ["msg", "wait_timeout"],
  pause: ["time_passed"],
  date: ["time_passed"],
  profile_change: ["profile_changed", "time_passed"],
  event: ["event", "time_passed"],
};

/** Why a resume does not fit the wait the session is at, if it doesn't. */
export function resumeMismatch(waitType: string, resume: ResumeJSON): string | undefined {
  if (resume.type === "profile_changed" && !resume.contact) return "a profile_changed resume needs the contact";
  if (resume.type === "event" && (!resume.event?.name || !resume.event.occurred_on)) return "an event resume needs an event with a name and occurred_on";
  if (resume.type === "wait_expiration" || RESUMES[waitType]?.includes(resume.type)) return undefined;
  return `${/^[aeiou]/.test(waitType) ? "an" : "a"} ${waitType} wait does not take a ${resume.type} resume`;
}

function setWaiting(scope: Scope, wait: WaitJSON): "waiting" {
  scope.run.status = "waiting";
  scope.session.json.status = "waiting";
  scope.session.json.wait = wait;
  return "waiting";
}

function waitUntil(wait: PauseWait | DateWait, scope: Scope, due: DateTimeValue): "waiting" {
  const resumesOn = formatTime(due.toEpochNanos());
  setWaiting(scope, { type: wait.type, resumes_on: resumesOn });
  scope.log(wait.type === "pause" ? pauseWait(resumesOn) : dateWait(resumesOn, wait.field));
  return "waiting";
}

function reached(wait: PauseWait | DateWait, due: DateTimeValue): TimedOutcome {
  return { categoryUUID: wait.category_uuid, value: formatTime(due.toEpochNanos()), input: "" };
}
