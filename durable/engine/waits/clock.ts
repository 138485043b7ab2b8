import { combine, dateTimeFromLocal, getZone, timeFromParts, UTC, type DateTimeValue, type Zone } from "../excellent/dates";

/**
 * Local-time arithmetic for the timed waits. Every computation is in a zone (the contact's, else the
 * environment's), through the Excellent dates code: days move the wall clock, so "1 day" across a
 * daylight-saving change is 23 or 25 hours and the due time keeps its time of day.
 */

export function zoneNamed(name: string | undefined): Zone {
  return (name && getZone(name)) || UTC;
}

/** "HH:MM" (validated by the schema) as hours and minutes. */
export function timeOfDay(hhmm: string): { hour: number; minute: number } {
  return { hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3, 5)) };
}

/** The local date of `dt`, `days` later, at `hhmm` in `dt`'s zone. */
export function atTimeOfDay(dt: DateTimeValue, hhmm: string, days = 0): DateTimeValue {
  const p = dt.local();
  const { hour, minute } = timeOfDay(hhmm);
  return dateTimeFromLocal(p.year, p.month, p.day + days, hour, minute, 0, 0, dt.zone);
}

/** The first `hhmm` at or after `dt`: the same local day if it has not passed, else the next. */
export function nextTimeOfDay(dt: DateTimeValue, hhmm: string): DateTimeValue {
  const today = atTimeOfDay(dt, hhmm);
  return today.compare(dt) >= 0 ? today : atTimeOfDay(dt, hhmm, 1);
}

/** The local date of `dt` at midnight, `days` later. */
export function startOfDay(dt: DateTimeValue, days: number): DateTimeValue {
  const p = dt.local();
  return combine(dateTimeFromLocal(p.year, p.month, p.day + days, 12, 0, 0, 0, UTC).date(), timeFromParts(0, 0, 0), dt.zone);
}
