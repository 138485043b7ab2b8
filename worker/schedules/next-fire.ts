import { getZone, type Zone } from "../../durable/engine/excellent/dates";
import { civilFromDays, daysFromCivil, daysInMonth } from "../../durable/engine/excellent/dates/date";
import { MONTH_NAMES, WEEKDAYS, type Schedule, type Weekday } from "./schema";

// Local dates are handled as day numbers (days since 1970-01-01) and times as minutes of the day;
// the zone (its Intl formatter and offsets cached by the dates library) turns them into instants.

const DAY = 86400;

/** 0 = Sunday, as DateValue.weekday() counts. */
const WEEKDAY_NUMBER: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

function zoneOf(schedule: Schedule): Zone {
  const zone = getZone(schedule.timezone);
  if (!zone) throw new Error(`unknown timezone ${schedule.timezone}`);
  return zone;
}

const minuteOfDay = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const dayNumber = (date: string) => daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));

/**
 * The instant (epoch seconds) of a local date and time in a zone. A time skipped by a
 * spring-forward gap resolves to the first instant after the gap (02:30 → 03:00); a time repeated
 * by a fall-back overlap resolves to its first occurrence.
 */
function localInstant(day: number, minute: number, zone: Zone): number {
  const wall = day * DAY + minute * 60;
  // No zone changes its offset twice within a couple of days, so these bracket any transition near wall.
  const before = zone.offsetAt(wall - DAY);
  const after = zone.offsetAt(wall + DAY);
  const valid = [...new Set([before, after])].map((o) => wall - o).filter((t) => zone.offsetAt(t) === wall - t);
  if (valid.length) return Math.min(...valid);
  if (before === after) return wall - before;
  // In the gap: at wall - after the old offset still holds, at wall - before the new one does;
  // the transition between them is the first instant after the gap.
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (zone.offsetAt(mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The local dates (day numbers) a repeating schedule fires on, in order, from `from` on. */
function* fireDays(schedule: Exclude<Schedule, { kind: "once" }>, from: number): Generator<number> {
  const start = civilFromDays(from);
  switch (schedule.kind) {
    case "daily":
      for (let d = from; ; d++) yield d;
    case "weekly": {
      const weekdays = new Set(schedule.weekdays.map((w) => WEEKDAY_NUMBER[w]));
      for (let d = from; ; d++) if (weekdays.has((((d + 4) % 7) + 7) % 7)) yield d; // 1970-01-01 was a Thursday
    }
    case "monthly":
      for (let y = start.year, m = start.month; ; m === 12 ? (y++, (m = 1)) : m++) {
        const d = daysFromCivil(y, m, Math.min(schedule.day, daysInMonth(y, m)));
        if (d >= from) yield d;
      }
    case "yearly":
      for (let y = start.year; ; y++) {
        const d = daysFromCivil(y, schedule.month, Math.min(schedule.day, daysInMonth(y, schedule.month)));
        if (d >= from) yield d;
      }
  }
}

/** The first time the schedule fires strictly after `after`, or null when it never fires again. */
export function nextFire(schedule: Schedule, after: Date): Date | null {
  const zone = zoneOf(schedule);
  const minute = minuteOfDay(schedule.time);
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new Error("nextFire needs a valid date");
  if (schedule.kind === "once") {
    const at = localInstant(dayNumber(schedule.date), minute, zone) * 1000;
    return at > afterMs ? new Date(at) : null;
  }
  const end = schedule.end_date ? dayNumber(schedule.end_date) : Infinity;
  const afterSeconds = Math.floor(afterMs / 1000);
  // From the day before: a fire moved out of a gap at midnight lands on the next local date.
  const from = Math.floor((afterSeconds + zone.offsetAt(afterSeconds)) / DAY) - 1;
  for (const day of fireDays(schedule, from)) {
    if (day > end) return null;
    const at = localInstant(day, minute, zone) * 1000;
    if (at > afterMs) return new Date(at);
  }
  return null;
}

function listWords(words: string[]): string {
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

function ordinal(n: number): string {
  const suffix = n % 10 === 1 && n !== 11 ? "st" : n % 10 === 2 && n !== 12 ? "nd" : n % 10 === 3 && n !== 13 ? "rd" : "th";
  return n + suffix;
}

const DAY_NAMES: Record<Weekday, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

function longDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return `${d} ${MONTH_NAMES[m - 1]} ${y}`;
}

/** A one-line description for the console: "every Monday and Thursday at 09:00 (Africa/Kigali)". */
export function describeSchedule(schedule: Schedule): string {
  let when: string;
  switch (schedule.kind) {
    case "once":
      when = `once on ${longDate(schedule.date)}`;
      break;
    case "daily":
      when = "every day";
      break;
    case "weekly": {
      const days = WEEKDAYS.filter((w) => schedule.weekdays.includes(w));
      when = days.length === 7 ? "every day" : `every ${listWords(days.map((w) => DAY_NAMES[w]))}`;
      break;
    }
    case "monthly":
      when = `on the ${ordinal(schedule.day)} of every month${schedule.day > 28 ? " (or its last day when shorter)" : ""}`;
      break;
    case "yearly":
      when = `every year on ${schedule.day} ${MONTH_NAMES[schedule.month - 1]}${schedule.month === 2 && schedule.day === 29 ? " (28 February in other years)" : ""}`;
      break;
  }
  const until = schedule.kind !== "once" && schedule.end_date ? `, until ${longDate(schedule.end_date)}` : "";
  return `${when} at ${schedule.time} (${schedule.timezone})${until}`;
}
