import type { ContactJSON } from "../contact";
import { addToDateTime, daysInMonth, dateTimeFromLocal, fromEpochNanos, type DateTimeValue, type Zone } from "../excellent/dates";
import type { DateWait } from "../flow/schema";
import { parseTime } from "../time";
import { atTimeOfDay } from "./clock";

const UNITS = { minutes: "m", hours: "h", days: "D" } as const;

/**
 * When a wait for a date falls due for this contact, in `zone`: the field's date-time moved before
 * or after by the amount, at the time of day if one is given. `every_year` takes the first
 * anniversary whose due time is not before `since` (when the contact reached the wait). Null when
 * the field is empty or not a date: the wait's "no date" exit.
 */
export function dateDue(wait: DateWait, contact: ContactJSON, since: DateTimeValue, zone: Zone): DateTimeValue | null {
  const value = contact.fields?.[wait.field.key];
  const ns = value?.datetime ? parseTime(value.datetime) : null;
  if (ns === null) return null;
  const field = fromEpochNanos(ns, zone);
  if (!wait.every_year) return shifted(wait, field);

  const p = field.local();
  const inYear = (year: number) =>
    shifted(wait, dateTimeFromLocal(year, p.month, Math.min(p.day, daysInMonth(year, p.month)), p.hour, p.minute, p.second, p.nanosecond, zone));
  // The offset may push the due time into another year than the anniversary's: start a year early.
  const first = since.local().year - (shifted(wait, field).local().year - p.year) - 1;
  for (let year = first; year <= first + 3; year++) {
    const due = inYear(year);
    if (due.compare(since) >= 0) return due;
  }
  return inYear(first + 3);
}

function shifted(wait: DateWait, field: DateTimeValue): DateTimeValue {
  const sign = wait.relative === "before" ? -1 : 1;
  const moved = wait.relative === "on" || !wait.amount || !wait.unit ? field : addToDateTime(field, sign * wait.amount, UNITS[wait.unit]);
  return wait.time ? atTimeOfDay(moved, wait.time) : moved;
}
