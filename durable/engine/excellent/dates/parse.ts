// Parsing user-entered text (goflow's envs.DateTimeFromString and friends): ISO 8601 first, then a
// date found anywhere in the text in the environment's date order, optionally followed by a time.

import type { DateValue } from "./date";
import type { DateTimeValue } from "./datetime";
import type { TimeValue } from "./time";
import type { Zone } from "./zone";

/** An environment date format: `DD-MM-YYYY`, `MM-DD-YYYY`, `YYYY-MM-DD` or their `/` and `.` variants. */
export type DateFormat = string;

/** Options for fuzzy date parsing. */
export interface FuzzyOptions {
  /** When only a date is found, take the time of day from this instant (in the target zone): has_date semantics. */
  fillTimeFrom?: DateTimeValue;
  /** The year 2-digit years are resolved against (goflow uses now's year); defaults to fillTimeFrom's, else the clock's. */
  currentYear?: number;
}

/** Whether the date format is one goflow environments allow. */
export function isValidDateFormat(format: string): boolean {
  throw new Error("todo");
}

/** Parses an ISO 8601 / RFC 3339 datetime or date (the whole text); null when it is not one. */
export function parseISODateTime(text: string, zone: Zone | string): DateTimeValue | null {
  throw new Error("todo");
}

/** goflow's datetime(): ISO text, else a date inside the text (in the format's order) plus an optional time; null when no date. */
export function parseDateTime(text: string, dateFormat: DateFormat, zone: Zone | string, options?: FuzzyOptions): DateTimeValue | null {
  throw new Error("todo");
}

/** goflow's date(): the date part of ISO text or of a date found inside the text; null when no date. */
export function parseDate(text: string, dateFormat: DateFormat, options?: FuzzyOptions): DateValue | null {
  throw new Error("todo");
}

/** goflow's time() / has_time: ISO datetime text, else `10:30`, `10:30:45.123`, `10 PM`, `2:40 pm` inside the text; null when none. */
export function parseTime(text: string): TimeValue | null {
  throw new Error("todo");
}
