// Parsing user-entered text (goflow's envs.DateTimeFromString and friends): a full ISO 8601 datetime
// first, then a date (ISO at the start of the text, else found anywhere in the text in the
// environment's date order) followed by an optional time in the rest of the text.

import { DateValue, daysFromCivil, daysInMonth } from "./date";
import { combine, DateTimeValue, dateTimeFromLocal } from "./datetime";
import { DateError } from "./error";
import { MIDNIGHT, TimeValue } from "./time";
import { fixedZone, toZone, UTC, type Zone } from "./zone";

/** An environment date format: `DD-MM-YYYY`, `MM-DD-YYYY`, `YYYY-MM-DD` or their `/` and `.` variants. */
export type DateFormat = string;

/** Options for fuzzy date parsing. */
export interface FuzzyOptions {
  /** When only a date is found, take the time of day from this instant (in the target zone): has_date semantics. */
  fillTimeFrom?: DateTimeValue;
  /** The year 2-digit years are resolved against (goflow uses now's year); defaults to fillTimeFrom's, else the clock's. */
  currentYear?: number;
}

const DATE_FORMATS = new Set(
  ["YYYY-MM-DD", "MM-DD-YYYY", "DD-MM-YYYY"].flatMap((f) => [f, f.replace(/-/g, "/"), f.replace(/-/g, ".")]),
);

/** Whether the date format is one goflow environments allow. */
export function isValidDateFormat(format: string): boolean {
  return DATE_FORMATS.has(format);
}

// Full ISO 8601 / RFC 3339: `T` or space, seconds and fraction optional, offset optional.
const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(Z|[+-]\d{2}:?\d{2})?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

// A date inside text, in the environment's order; separators are - . / \ _ or a space (goflow's patterns).
const DAY_OR_MONTH_FIRST = /\b(\d{1,2})[-./\\_ ](\d{1,2})[-./\\_ ](\d{4}|\d{2})\b/g;
const YEAR_FIRST = /\b(\d{4}|\d{2})[-./\\_ ](\d{1,2})[-./\\_ ](\d{1,2})\b/g;

// A time inside text: hour with minutes (and optional seconds and fraction), and/or an am/pm marker.
const TIME = /\b(\d{1,2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*([aApP][mM])?\b/g;

function nanosOf(fraction: string | undefined): number {
  return fraction ? +(fraction + "000000000").slice(0, 9) : 0;
}

function validDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Parses an ISO 8601 / RFC 3339 datetime (the whole text); null when it is not one. Offsets behave as in goflow (`Z` is UTC). */
export function parseISODateTime(text: string, zone: Zone | string): DateTimeValue | null {
  const m = ISO_DATETIME.exec(text.trim());
  if (!m) return null;
  const year = +m[1],
    month = +m[2],
    day = +m[3],
    hour = +m[4],
    minute = +m[5],
    second = m[6] ? +m[6] : 0;
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const nanos = nanosOf(m[7]);
  const z = toZone(zone);
  const tz = m[8];
  if (!tz) return dateTimeFromLocal(year, month, day, hour, minute, second, nanos, z);
  if (tz === "Z") return dateTimeFromLocal(year, month, day, hour, minute, second, nanos, UTC);
  const offsetMinutes = +tz.slice(1, 3) * 60 + +tz.slice(-2);
  if (offsetMinutes > 24 * 60) return null;
  const offset = (tz[0] === "-" ? -60 : 60) * offsetMinutes;
  const instant = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  // like Go: keep the zone when it has this offset at that instant, else record the bare offset
  return new DateTimeValue(instant, nanos, z.offsetAt(instant) === offset ? z : fixedZone(offset));
}

function currentYearOf(options: FuzzyOptions | undefined): number {
  if (options?.currentYear !== undefined) return options.currentYear;
  if (options?.fillTimeFrom) return options.fillTimeFrom.local().year;
  return new Date().getUTCFullYear();
}

// Finds a date at the start (ISO) or inside the text; returns it with the text that follows it.
function findDate(text: string, dateFormat: DateFormat, currentYear: number): [DateValue, string] | null {
  const iso = ISO_DATE.exec(text);
  if (iso && validDate(+iso[1], +iso[2], +iso[3])) {
    return [new DateValue(+iso[1], +iso[2], +iso[3]), text.slice(10)];
  }
  const order = dateFormat[0];
  if (!isValidDateFormat(dateFormat)) throw new DateError(`invalid date format ${dateFormat}`);
  const pattern = order === "Y" ? YEAR_FIRST : DAY_OR_MONTH_FIRST;
  const [yi, mi, di] = order === "Y" ? [1, 2, 3] : order === "M" ? [3, 1, 2] : [3, 2, 1];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const day = +m[di];
    const month = +m[mi];
    if (day < 1 || day > 31 || month < 1 || month > 12) continue;
    let year = +m[yi];
    // goflow: a 2-digit year after this year's is last century
    if (m[yi].length === 2) year += year > currentYear % 100 ? 1900 : 2000;
    pattern.lastIndex = 0;
    return [DateValue.of(year, month, day), text.slice(m.index + m[0].length)];
  }
  return null;
}

// Finds the first valid time inside the text.
function findTime(text: string): TimeValue | null {
  TIME.lastIndex = 0;
  for (let m = TIME.exec(text); m; m = TIME.exec(text)) {
    let hour = +m[1];
    const ampm = m[5]?.toLowerCase();
    if (m[2] === undefined && !ampm) continue; // a bare number is not a time
    const minute = m[2] ? +m[2] : 0;
    const second = m[3] ? +m[3] : 0;
    if (minute > 59 || second > 59) continue;
    if (ampm) {
      if (hour < 1 || hour > 12) continue;
      if (ampm === "pm" && hour < 12) hour += 12;
      else if (ampm === "am" && hour === 12) hour = 0;
    } else if (hour > 23) {
      continue;
    }
    TIME.lastIndex = 0;
    return new TimeValue(hour, minute, second, nanosOf(m[4]));
  }
  return null;
}

/**
 * goflow's datetime() / has_date: ISO text, else a date inside the text (in the format's order) plus an
 * optional time after it; without a time it is midnight, or fillTimeFrom's time of day. Null when no date.
 */
export function parseDateTime(
  text: string,
  dateFormat: DateFormat,
  zone: Zone | string,
  options?: FuzzyOptions,
): DateTimeValue | null {
  const z = toZone(zone);
  const iso = parseISODateTime(text, z);
  if (iso) return iso;
  const found = findDate(text.trim(), dateFormat, currentYearOf(options));
  if (!found) return null;
  const time = findTime(found[1]) ?? (options?.fillTimeFrom ? options.fillTimeFrom.inZone(z).time() : MIDNIGHT);
  return combine(found[0], time, z);
}

/** goflow's date(): the date of ISO text (as written) or of a date found inside the text; null when no date. */
export function parseDate(text: string, dateFormat: DateFormat, options?: FuzzyOptions): DateValue | null {
  const iso = parseISODateTime(text, UTC);
  if (iso) return iso.date();
  const found = findDate(text.trim(), dateFormat, currentYearOf(options));
  return found ? found[0] : null;
}

/** goflow's time() / has_time: the time of ISO datetime text (as written), else the first time inside the text; null when none. */
export function parseTime(text: string): TimeValue | null {
  const iso = parseISODateTime(text, UTC);
  if (iso) return iso.time();
  return findTime(text);
}
