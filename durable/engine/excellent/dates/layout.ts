// goflow's date/time layouts (`YYYY-MM-DD`, `tt:mm`, `h:mm aa`, ...): formatting and strict parsing.

import type { DateValue } from "./date";
import type { DateTimeValue } from "./datetime";
import type { TimeValue } from "./time";
import type { Zone } from "./zone";

/** Which tokens a layout may use: date tokens, time tokens, or both (plus zone tokens). */
export type LayoutKind = "date" | "time" | "datetime";

/** Month and day names and am/pm markers used by MMM, MMMM, EEE, EEEE, aa, AA. */
export interface LayoutNames {
  readonly months: readonly string[];
  readonly shortMonths: readonly string[];
  readonly days: readonly string[];
  readonly shortDays: readonly string[];
}

/** English names (Go's), the default. */
export const ENGLISH_NAMES: LayoutNames = {
  months: ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
  shortMonths: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
  days: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
  shortDays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
};

/** Throws DateError unless the layout is valid for the kind. */
export function validateLayout(layout: string, kind: LayoutKind): void {
  throw new Error("todo");
}

/** Formats a datetime (in its own zone) with a layout; throws DateError for an invalid layout. */
export function formatDateTime(dt: DateTimeValue, layout: string, names: LayoutNames = ENGLISH_NAMES): string {
  throw new Error("todo");
}

/** Formats a date with a date-only layout; throws DateError for an invalid layout. */
export function formatDate(date: DateValue, layout: string, names: LayoutNames = ENGLISH_NAMES): string {
  throw new Error("todo");
}

/** Formats a time of day with a time-only layout; throws DateError for an invalid layout. */
export function formatTime(time: TimeValue, layout: string, names: LayoutNames = ENGLISH_NAMES): string {
  throw new Error("todo");
}

/**
 * goflow's parse_datetime: parses the whole text with a layout (Go's time.ParseInLocation rules) into a
 * datetime in the zone (UTC for a `Z` suffix, a fixed zone for an offset the zone does not have then).
 * Throws DateError for an invalid layout or text that does not match.
 */
export function parseWithLayout(text: string, layout: string, zone: Zone | string): DateTimeValue {
  throw new Error("todo");
}

/** goflow's parse_time: parses the whole text with a time-only layout; throws DateError on mismatch. */
export function parseTimeWithLayout(text: string, layout: string): TimeValue {
  throw new Error("todo");
}

/** The default layout of format_datetime for an environment: `date_format + " " + time_format`. */
export function dateTimeLayout(dateFormat: string, timeFormat: string): string {
  return dateFormat + " " + timeFormat;
}
