import type { Scope } from "../actions/base";
import { isError } from "../excellent";
import { addToDateTime, fromEpochNanos, type DateTimeValue, type Zone } from "../excellent/dates";
import { toDateTime } from "../excellent/values/convert";
import type { PauseWait } from "../flow/schema";
import { atTimeOfDay, nextTimeOfDay, startOfDay } from "./clock";

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const UNITS = { seconds: "s", minutes: "m", hours: "h", days: "D" } as const;

/**
 * When a pause that begins at `now` ends, in `zone`; or why it can't tell (an `until` that isn't a
 * date-time), in which case the pause ends at once.
 */
export function pauseDue(wait: PauseWait, scope: Scope, now: DateTimeValue, zone: Zone): DateTimeValue | { error: string } {
  const local = now.inZone(zone);
  if (wait.for) {
    const after = addToDateTime(local, wait.for.amount, UNITS[wait.for.unit]);
    return wait.then_until ? nextTimeOfDay(after, wait.then_until) : after;
  }
  if (wait.until !== undefined) {
    const env = scope.session.quietEnvironment(scope.env);
    const value = scope.value(wait.until);
    const dt = value === null || isError(value) ? null : toDateTime(env, value, true);
    if (dt === null || "kind" in dt) return { error: `the pause's "until" (${wait.until}) is not a date-time` };
    return dt.inZone(zone);
  }
  // Until a weekday and/or a time of day: the first such moment after now (a week ahead at most).
  const days = wait.weekdays?.map((d) => WEEKDAYS.indexOf(d));
  for (let d = 0; d <= 7; d++) {
    const candidate = wait.time ? atTimeOfDay(local, wait.time, d) : startOfDay(local, d);
    if (days && !days.includes(candidate.local().weekday)) continue;
    if (candidate.compare(local) > 0) return candidate;
  }
  // Unreachable for a valid pause (a weekday and time come round within 8 days); never wait forever.
  return fromEpochNanos(now.toEpochNanos(), zone);
}
