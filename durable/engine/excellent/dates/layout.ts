// goflow's date/time layouts (`YYYY-MM-DD`, `tt:mm`, `h:mm aa`, ...): formatting and strict parsing.

import { DateValue, daysFromCivil, daysInMonth } from "./date";
import { DateTimeValue, dateTimeFromLocal } from "./datetime";
import { DateError } from "./error";
import { TimeValue } from "./time";
import { fixedZone, formatOffset, toZone, UTC, type Zone } from "./zone";

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


// Layout tokens are runs of one letter; these are the runs goflow knows, by the kind they belong to.
const DATE_TOKENS = new Set(["YY", "YYYY", "M", "MM", "MMM", "MMMM", "D", "DD", "EEE", "EEEE"]);
const TIME_TOKENS = new Set(["h", "hh", "tt", "m", "mm", "s", "ss", "fff", "ffffff", "fffffffff", "aa", "AA"]);
const ZONE_TOKENS = new Set(["Z", "ZZZ"]);
const TOKEN_LETTERS = "YMDEhtmsfaAZ";
// Separators copied as-is (the characters goflow ignores when converting a layout).
const LITERALS = " :,T-_/.";

/** A compiled layout: literal text (as a string starting with "=") or a token name. */
type Compiled = readonly string[];

const compiledCache = new Map<string, Compiled | string>();
const MAX_CACHED_LAYOUTS = 512;

function compile(layout: string, kind: LayoutKind): Compiled {
  const key = kind + "|" + layout;
  let compiled = compiledCache.get(key);
  if (compiled === undefined) {
    compiled = compileUncached(layout, kind);
    if (compiledCache.size >= MAX_CACHED_LAYOUTS) compiledCache.clear();
    compiledCache.set(key, compiled);
  }
  if (typeof compiled === "string") throw new DateError(compiled);
  return compiled;
}

// Returns the tokens, or the error message (so invalid layouts are cached too).
function compileUncached(layout: string, kind: LayoutKind): Compiled | string {
  const out: string[] = [];
  let i = 0;
  while (i < layout.length) {
    const c = layout[i];
    if (TOKEN_LETTERS.includes(c)) {
      let j = i + 1;
      while (j < layout.length && layout[j] === c) j++;
      const token = layout.slice(i, j);
      const allowed =
        (DATE_TOKENS.has(token) && kind !== "time") ||
        (TIME_TOKENS.has(token) && kind !== "date") ||
        (ZONE_TOKENS.has(token) && kind === "datetime");
      if (!allowed) return `'${token}' is not valid in a ${kind} format`;
      out.push(token);
      i = j;
    } else if (LITERALS.includes(c)) {
      const last = out.length - 1;
      if (last >= 0 && out[last][0] === "=") out[last] += c;
      else out.push("=" + c);
      i++;
    } else {
      return `'${c}' is not valid in a ${kind} format`;
    }
  }
  return out;
}

/** Throws DateError unless the layout is valid for the kind. */
export function validateLayout(layout: string, kind: LayoutKind): void {
  compile(layout, kind);
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : "000000000".slice(0, width - s.length) + s;
}

// The fields a layout can print; a missing zone prints as UTC.
interface Fields {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  offset: number;
}

function format(f: Fields, tokens: Compiled, names: LayoutNames): string {
  let out = "";
  for (const t of tokens) {
    switch (t) {
      case "YY":
        out += pad(((f.year % 100) + 100) % 100, 2);
        break;
      case "YYYY":
        out += f.year < 0 ? "-" + pad(-f.year, 4) : pad(f.year, 4);
        break;
      case "M":
        out += f.month;
        break;
      case "MM":
        out += pad(f.month, 2);
        break;
      case "MMM":
        out += names.shortMonths[f.month - 1];
        break;
      case "MMMM":
        out += names.months[f.month - 1];
        break;
      case "D":
        out += f.day;
        break;
      case "DD":
        out += pad(f.day, 2);
        break;
      case "EEE":
        out += names.shortDays[f.weekday];
        break;
      case "EEEE":
        out += names.days[f.weekday];
        break;
      case "h":
        out += f.hour % 12 || 12;
        break;
      case "hh":
        out += pad(f.hour % 12 || 12, 2);
        break;
      case "tt":
        out += pad(f.hour, 2);
        break;
      case "m":
        out += f.minute;
        break;
      case "mm":
        out += pad(f.minute, 2);
        break;
      case "s":
        out += f.second;
        break;
      case "ss":
        out += pad(f.second, 2);
        break;
      case "fff":
      case "ffffff":
      case "fffffffff":
        out += pad(f.nanosecond, 9).slice(0, t.length); // truncated, like Go
        break;
      case "aa":
        out += f.hour >= 12 ? "pm" : "am";
        break;
      case "AA":
        out += f.hour >= 12 ? "PM" : "AM";
        break;
      case "Z":
        out += formatOffset(f.offset, true, true);
        break;
      case "ZZZ":
        out += formatOffset(f.offset, true);
        break;
      default:
        out += t.slice(1);
    }
  }
  return out;
}

/** Formats a datetime (in its own zone) with a layout; throws DateError for an invalid layout. */
export function formatDateTime(dt: DateTimeValue, layout: string, names: LayoutNames = ENGLISH_NAMES): string {
  return format(dt.local(), compile(layout, "datetime"), names);
}

/** Formats a date with a date-only layout; throws DateError for an invalid layout. */
export function formatDate(date: DateValue, layout: string, names: LayoutNames = ENGLISH_NAMES): string {
  const tokens = compile(layout, "date");
  const f: Fields = {
    year: date.year,
    month: date.month,
    day: date.day,
    weekday: date.weekday(),
    hour: 0,
    minute: 0,
    second: 0,
    nanosecond: 0,
    offset: 0,
  };
  return format(f, tokens, names);
}

/** Formats a time of day with a time-only layout; throws DateError for an invalid layout. */
export function formatTime(time: TimeValue, layout: string, names: LayoutNames = ENGLISH_NAMES): string {
  const tokens = compile(layout, "time");
  const f: Fields = {
    year: 1970,
    month: 1,
    day: 1,
    weekday: 4,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
    nanosecond: time.nanosecond,
    offset: 0,
  };
  return format(f, tokens, names);
}

// What a layout parse found; unset parts default like Go's (year 0, January 1st, midnight).
interface Parsed {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanosecond: number;
  pm: boolean;
  am: boolean;
  utc: boolean;
  offset: number | null;
}

function isDigit(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

// Go's lookup: a case-insensitive prefix match against a table of names.
function lookup(value: string, pos: number, table: readonly string[]): [number, number] | null {
  for (let i = 0; i < table.length; i++) {
    const name = table[i];
    if (value.length - pos >= name.length && value.slice(pos, pos + name.length).toLowerCase() === name.toLowerCase()) {
      return [i, pos + name.length];
    }
  }
  return null;
}

// Parses text against compiled tokens with the rules of Go's time.Parse; returns an error message on failure.
function parseTokens(value: string, tokens: Compiled, names: LayoutNames): Parsed | string {
  const r: Parsed = {
    year: 0,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    nanosecond: 0,
    pm: false,
    am: false,
    utc: false,
    offset: null,
  };
  const bad = `cannot parse '${value}' with the given format`;
  let pos = 0;

  // Go's getnum: one or two digits, exactly two when fixed.
  const num = (fixed: boolean): number => {
    if (!isDigit(value, pos)) return -1;
    if (!isDigit(value, pos + 1)) {
      if (fixed) return -1;
      return value.charCodeAt(pos++) - 48;
    }
    const n = (value.charCodeAt(pos) - 48) * 10 + value.charCodeAt(pos + 1) - 48;
    pos += 2;
    return n;
  };
  const allDigits = (n: number): boolean => {
    for (let k = 0; k < n; k++) if (!isDigit(value, pos + k)) return false;
    return true;
  };
  const digits = (n: number): number => {
    if (!allDigits(n)) return -1;
    pos += n;
    return +value.slice(pos - n, pos);
  };
  // n digits as nanoseconds: truncated beyond 9, padded below
  const fraction = (n: number): number => {
    pos += n;
    return +(value.slice(pos - n, pos) + "000000000").slice(0, 9);
  };

  for (let ti = 0; ti < tokens.length; ti++) {
    const t = tokens[ti];
    switch (t) {
      case "YYYY":
        if ((r.year = digits(4)) < 0) return bad;
        break;
      case "YY": {
        const y = digits(2);
        if (y < 0) return bad;
        r.year = y >= 69 ? 1900 + y : 2000 + y;
        break;
      }
      case "M":
      case "MM":
        r.month = num(t === "MM");
        if (r.month < 1 || r.month > 12) return `${bad}: month out of range`;
        break;
      case "MMM":
      case "MMMM": {
        const found = lookup(value, pos, t === "MMM" ? names.shortMonths : names.months);
        if (!found) return bad;
        r.month = found[0] + 1;
        pos = found[1];
        break;
      }
      case "D":
      case "DD":
        if ((r.day = num(t === "DD")) < 0) return bad;
        break;
      case "EEE":
      case "EEEE": {
        // like Go, a day name is checked against the names but not against the date
        const found = lookup(value, pos, t === "EEE" ? names.shortDays : names.days);
        if (!found) return bad;
        pos = found[1];
        break;
      }
      case "h":
      case "hh":
        r.hour = num(t === "hh");
        if (r.hour < 0 || r.hour > 12) return `${bad}: hour out of range`;
        break;
      case "tt":
        r.hour = num(false);
        if (r.hour < 0 || r.hour > 23) return `${bad}: hour out of range`;
        break;
      case "m":
      case "mm":
        r.minute = num(t === "mm");
        if (r.minute < 0 || r.minute > 59) return `${bad}: minute out of range`;
        break;
      case "s":
      case "ss": {
        r.second = num(t === "ss");
        if (r.second < 0 || r.second > 59) return `${bad}: second out of range`;
        // like Go, a fractional second may follow even when the layout has none
        const next = tokens[ti + 1];
        const layoutHasFraction = (next === "=." || next === "=,") && tokens[ti + 2]?.[0] === "f";
        const sep = value[pos];
        if (!layoutHasFraction && (sep === "." || sep === ",") && isDigit(value, pos + 1)) {
          let end = pos + 1;
          while (isDigit(value, end)) end++;
          pos++;
          r.nanosecond = fraction(end - pos);
        }
        break;
      }
      case "fff":
      case "ffffff":
      case "fffffffff":
        if (!allDigits(t.length)) return bad;
        r.nanosecond = fraction(t.length);
        break;
      case "aa":
      case "AA": {
        // Go matches the marker's case exactly
        const marker = value.slice(pos, pos + 2);
        const [am, pm] = t === "aa" ? ["am", "pm"] : ["AM", "PM"];
        if (marker === pm) r.pm = true;
        else if (marker === am) r.am = true;
        else return bad;
        pos += 2;
        break;
      }
      case "Z":
      case "ZZZ": {
        if (t === "Z" && value[pos] === "Z") {
          r.utc = true;
          pos++;
          break;
        }
        const sign = value[pos];
        if ((sign !== "+" && sign !== "-") || value[pos + 3] !== ":") return bad;
        pos++;
        const hh = digits(2);
        pos++;
        const mm = digits(2);
        if (hh < 0 || mm < 0 || hh > 24 || mm > 60) return bad;
        r.offset = (sign === "-" ? -1 : 1) * (hh * 3600 + mm * 60);
        break;
      }
      default: {
        // Go's skip: a space in the layout matches one or more spaces (or the end of the text)
        const lit = t;
        for (let k = 1; k < lit.length; k++) {
          if (lit[k] === " ") {
            if (pos < value.length && value[pos] !== " ") return bad;
            while (k + 1 < lit.length && lit[k + 1] === " ") k++;
            while (value[pos] === " ") pos++;
          } else if (value[pos] === lit[k]) {
            pos++;
          } else {
            return bad;
          }
        }
      }
    }
  }
  if (pos < value.length) return `${bad}: extra text`;
  if (r.pm && r.hour < 12) r.hour += 12;
  else if (r.am && r.hour === 12) r.hour = 0;
  if (r.day < 1 || r.day > daysInMonth(r.year, r.month)) return `${bad}: day out of range`;
  return r;
}

/**
 * goflow's parse_datetime: parses the whole text with a layout (Go's time.ParseInLocation rules) into a
 * datetime in the zone (UTC for a `Z` suffix, a fixed zone for an offset the zone does not have then).
 * Throws DateError for an invalid layout or text that does not match.
 */
export function parseWithLayout(
  text: string,
  layout: string,
  zone: Zone | string,
  names: LayoutNames = ENGLISH_NAMES,
): DateTimeValue {
  const z = toZone(zone);
  const r = parseTokens(text, compile(layout, "datetime"), names);
  if (typeof r === "string") throw new DateError(r);
  if (r.utc) return dateTimeFromLocal(r.year, r.month, r.day, r.hour, r.minute, r.second, r.nanosecond, UTC);
  if (r.offset === null) return dateTimeFromLocal(r.year, r.month, r.day, r.hour, r.minute, r.second, r.nanosecond, z);
  // like Go: keep the zone when it has this offset at that instant, else record the bare offset
  const wall = daysFromCivil(r.year, r.month, r.day) * 86400 + r.hour * 3600 + r.minute * 60 + r.second;
  const instant = wall - r.offset;
  return new DateTimeValue(instant, r.nanosecond, z.offsetAt(instant) === r.offset ? z : fixedZone(r.offset));
}

/** goflow's parse_time: parses the whole text with a time-only layout; throws DateError on mismatch. */
export function parseTimeWithLayout(text: string, layout: string, names: LayoutNames = ENGLISH_NAMES): TimeValue {
  const r = parseTokens(text, compile(layout, "time"), names);
  if (typeof r === "string") throw new DateError(r);
  return new TimeValue(r.hour, r.minute, r.second, r.nanosecond);
}

/** The default layout of format_datetime for an environment: `date_format + " " + time_format`. */
export function dateTimeLayout(dateFormat: string, timeFormat: string): string {
  return dateFormat + " " + timeFormat;
}
