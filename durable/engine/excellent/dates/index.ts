// The date/time library under the Excellent template language: goflow's `utils/dates` and the date
// parts of `envs`, in pure TypeScript (Intl for zone offsets; runs in workerd, Node and browsers).
//
// Errors: fuzzy parsers return null when nothing is found; everything else throws DateError for
// invalid input (bad layout, text not matching a layout, out-of-range parts, unknown unit or zone).

export { DateError } from "./error";

export {
  Zone,
  UTC,
  getZone,
  fixedZone,
  isValidZone,
  toZone,
  formatOffset,
} from "./zone";

export { DateValue, dateFromParts, daysInMonth, isLeapYear } from "./date";

export { TimeValue, MIDNIGHT, timeFromParts } from "./time";

export {
  DateTimeValue,
  type LocalParts,
  type DateTimeUnit,
  fromEpochNanos,
  fromEpochMillis,
  fromEpochSeconds,
  dateTimeFromLocal,
  combine,
  replaceTime,
  epochSecondsText,
  isDateTimeUnit,
  addToDateTime,
  diffDateTimes,
  tzOffsetText,
} from "./datetime";

export {
  type LayoutKind,
  type LayoutNames,
  ENGLISH_NAMES,
  validateLayout,
  formatDateTime,
  formatDate,
  formatTime,
  parseWithLayout,
  parseTimeWithLayout,
  dateTimeLayout,
} from "./layout";

export {
  type DateFormat,
  type FuzzyOptions,
  isValidDateFormat,
  parseISODateTime,
  parseDateTime,
  parseDate,
  parseTime,
} from "./parse";
