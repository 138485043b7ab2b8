// Instants with nanosecond precision in a zone (goflow's time.Time), and their arithmetic.

import { civilFromDays, DateValue, normalizedDays } from "./date";
import { DateError } from "./error";
import { TimeValue } from "./time";
import { formatOffset, toZone, UTC, Zone } from "./zone";

const NANOS_PER_SECOND = 1_000_000_000;
const BIG_NANOS = 1_000_000_000n;

/** The wall-clock parts of a datetime in its zone. */
export interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly nanosecond: number;
  /** 0 = Sunday. */
  readonly weekday: number;
  /** Offset from UTC in seconds, east positive. */
  readonly offset: number;
}

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

function pad4(n: number): string {
  const s = String(n < 0 ? -n : n);
  return (n < 0 ? "-" : "") + (s.length >= 4 ? s : "0000".slice(s.length) + s);
}

/** An instant (epoch seconds + nanoseconds) shown in a zone. Immutable. */
export class DateTimeValue {
  private parts: LocalParts | null = null;

  /** Use the factory functions; seconds must be an integer and nanos 0-999999999. */
  constructor(
    /** Whole seconds since 1970-01-01T00:00:00Z (floored, so nanos is never negative). */
    readonly epochSeconds: number,
    /** Nanoseconds within the second, 0-999999999. */
    readonly nanos: number,
    readonly zone: Zone,
  ) {}

  /** The zone's name (`UTC`, `America/Guayaquil`; "" for a fixed offset), what goflow's tz() returns. */
  get zoneName(): string {
    return this.zone.name;
  }

  /** Wall-clock parts in this datetime's zone (computed once). */
  local(): LocalParts {
    if (this.parts) return this.parts;
    const offset = this.zone.offsetAt(this.epochSeconds);
    const localSeconds = this.epochSeconds + offset;
    const days = Math.floor(localSeconds / 86400);
    let secOfDay = localSeconds - days * 86400;
    const date = civilFromDays(days);
    const hour = Math.floor(secOfDay / 3600);
    secOfDay -= hour * 3600;
    const minute = Math.floor(secOfDay / 60);
    const wd = (days + 4) % 7;
    this.parts = {
      year: date.year,
      month: date.month,
      day: date.day,
      hour,
      minute,
      second: secOfDay - minute * 60,
      nanosecond: this.nanos,
      weekday: wd < 0 ? wd + 7 : wd,
      offset,
    };
    return this.parts;
  }

  /** Offset from UTC in seconds at this instant in this zone. */
  offset(): number {
    return this.local().offset;
  }

  /** The local calendar date. */
  date(): DateValue {
    const p = this.local();
    return new DateValue(p.year, p.month, p.day);
  }

  /** The local time of day. */
  time(): TimeValue {
    const p = this.local();
    return new TimeValue(p.hour, p.minute, p.second, p.nanosecond);
  }

  /** The same instant shown in another zone. */
  inZone(zone: Zone | string): DateTimeValue {
    const z = toZone(zone);
    return z === this.zone ? this : new DateTimeValue(this.epochSeconds, this.nanos, z);
  }

  /** Epoch nanoseconds. */
  toEpochNanos(): bigint {
    return BigInt(this.epochSeconds) * BIG_NANOS + BigInt(this.nanos);
  }

  /** Milliseconds since the epoch (truncating sub-millisecond precision), for JS Date interop. */
  toEpochMillis(): number {
    return this.epochSeconds * 1000 + Math.floor(this.nanos / 1e6);
  }

  /** Negative, zero or positive as this instant is before, equal to or after the other (zones ignored). */
  compare(other: DateTimeValue): number {
    return this.epochSeconds - other.epochSeconds || this.nanos - other.nanos;
  }

  /** Same instant (zones may differ). */
  equals(other: DateTimeValue): boolean {
    return this.epochSeconds === other.epochSeconds && this.nanos === other.nanos;
  }

  /** ISO text as goflow prints datetimes: `2018-04-11T13:24:30.123456-05:00`, `Z` for a zero offset. */
  toString(): string {
    const micros = String(Math.floor(this.local().nanosecond / 1000));
    return this.stamp("." + "000000".slice(micros.length) + micros);
  }

  /** Go's RFC3339Nano (goflow's JSON for timestamps): up to 9 fractional digits, trailing zeros trimmed. */
  toRFC3339Nano(): string {
    const nanos = this.local().nanosecond;
    if (nanos === 0) return this.stamp("");
    const digits = String(nanos);
    return this.stamp("." + ("000000000".slice(digits.length) + digits).replace(/0+$/, ""));
  }

  /** The local date and time to the second, then `frac`, then the offset. */
  private stamp(frac: string): string {
    const p = this.local();
    return `${pad4(p.year)}-${pad2(p.month)}-${pad2(p.day)}T${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}${frac}${formatOffset(p.offset, true, true)}`;
  }

  toJSON(): string {
    return this.toRFC3339Nano();
  }
}

/** A datetime from epoch nanoseconds, shown in the zone. */
export function fromEpochNanos(nanos: bigint, zone: Zone | string = UTC): DateTimeValue {
  let seconds = nanos / BIG_NANOS;
  let rest = nanos - seconds * BIG_NANOS;
  if (rest < 0n) {
    rest += BIG_NANOS;
    seconds -= 1n;
  }
  return new DateTimeValue(Number(seconds), Number(rest), toZone(zone));
}

/** A datetime from epoch milliseconds (e.g. `Date.now()`), shown in the zone. */
export function fromEpochMillis(millis: number, zone: Zone | string = UTC): DateTimeValue {
  const ms = Math.floor(millis);
  const seconds = Math.floor(ms / 1000);
  return new DateTimeValue(seconds, (ms - seconds * 1000) * 1_000_000, toZone(zone));
}

/**
 * goflow's datetime_from_epoch: seconds since the epoch, possibly fractional, to a datetime in the zone.
 * Pass decimal text (`"1497286619.123456"`) for exact nanoseconds; beyond 9 digits truncates toward zero.
 */
export function fromEpochSeconds(seconds: string | number, zone: Zone | string = UTC): DateTimeValue {
  let text: string;
  if (typeof seconds === "number") {
    if (!Number.isFinite(seconds)) throw new DateError(`invalid epoch seconds ${seconds}`);
    // the shortest round-trip form keeps 1497286619.123456 exact; exponent forms need fixed digits
    text = String(seconds);
    if (text.includes("e")) text = seconds.toFixed(9);
  } else {
    text = seconds.trim();
  }
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === "" && !m[3])) throw new DateError(`invalid epoch seconds ${seconds}`);
  const whole = BigInt(m[2] || "0");
  const frac = BigInt(((m[3] ?? "") + "000000000").slice(0, 9));
  const total = whole * BIG_NANOS + frac;
  return fromEpochNanos(m[1] === "-" ? -total : total, zone);
}

/**
 * A datetime from wall-clock parts in a zone, normalising overflowing parts like Go's time.Date.
 * A time in a DST gap or overlap resolves as Go does (gap: shifted by the gap; overlap: the first).
 */
export function dateTimeFromLocal(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  nanosecond: number,
  zone: Zone | string,
): DateTimeValue {
  const z = toZone(zone);
  const extraSeconds = Math.floor(nanosecond / NANOS_PER_SECOND);
  const nanos = nanosecond - extraSeconds * NANOS_PER_SECOND;
  const wall = normalizedDays(year, month, day) * 86400 + hour * 3600 + minute * 60 + second + extraSeconds;
  // Go's time.Date: look up the offset at the wall time read as UTC, then re-check at the result.
  const offset = z.offsetAt(wall - z.offsetAt(wall));
  return new DateTimeValue(wall - offset, nanos, z);
}

/** A date at a time of day in a zone (goflow's Date.Combine). */
export function combine(date: DateValue, time: TimeValue, zone: Zone | string): DateTimeValue {
  return dateTimeFromLocal(date.year, date.month, date.day, time.hour, time.minute, time.second, time.nanosecond, zone);
}

/** goflow's replace_time: the datetime's local date at another time of day, same zone. */
export function replaceTime(dt: DateTimeValue, time: TimeValue): DateTimeValue {
  return combine(dt.date(), time, dt.zone);
}

/** goflow's epoch: seconds since the epoch as decimal text, trailing zeros trimmed (`1497286619.123456`). */
export function epochSecondsText(dt: DateTimeValue): string {
  if (dt.nanos === 0) return String(dt.epochSeconds);
  let whole = dt.epochSeconds;
  let nanos = dt.nanos;
  const negative = whole < 0;
  if (negative) {
    whole += 1;
    nanos = NANOS_PER_SECOND - nanos;
  }
  const digits = String(nanos);
  const frac = ("000000000".slice(digits.length) + digits).replace(/0+$/, "");
  return (negative ? "-" : "") + String(Math.abs(whole)) + "." + frac;
}

/** Units for add/diff: years, months, weeks, days, hours, minutes, seconds. */
export type DateTimeUnit = "Y" | "M" | "W" | "D" | "h" | "m" | "s";

/** Whether the text is one of the units datetime_add / datetime_diff accept. */
export function isDateTimeUnit(unit: string): unit is DateTimeUnit {
  return unit.length === 1 && "YMWDhms".includes(unit);
}

function unknownUnit(unit: string): DateError {
  return new DateError(`unknown unit: ${unit}, must be one of s, m, h, D, W, M, Y`);
}

/**
 * goflow's datetime_add: Y, M, W, D move the wall clock like Go's AddDate (normalising: Jan 31 + 1 M is
 * Mar 3, or Mar 2 in a leap year); h, m, s add absolute time.
 */
export function addToDateTime(dt: DateTimeValue, amount: number, unit: DateTimeUnit | string): DateTimeValue {
  if (!Number.isInteger(amount)) throw new DateError("amount must be an integer");
  switch (unit) {
    case "Y":
    case "M":
    case "W":
    case "D": {
      const p = dt.local();
      const years = unit === "Y" ? amount : 0;
      const months = unit === "M" ? amount : 0;
      const days = unit === "W" ? amount * 7 : unit === "D" ? amount : 0;
      return dateTimeFromLocal(
        p.year + years,
        p.month + months,
        p.day + days,
        p.hour,
        p.minute,
        p.second,
        p.nanosecond,
        dt.zone,
      );
    }
    case "h":
      return new DateTimeValue(dt.epochSeconds + amount * 3600, dt.nanos, dt.zone);
    case "m":
      return new DateTimeValue(dt.epochSeconds + amount * 60, dt.nanos, dt.zone);
    case "s":
      return new DateTimeValue(dt.epochSeconds + amount, dt.nanos, dt.zone);
  }
  throw unknownUnit(unit);
}

/**
 * goflow's datetime_diff(from, to, unit): s, m, h are whole elapsed units truncated toward zero;
 * D and W count calendar days between the local dates (each in its own zone); M and Y count
 * calendar months / years between the local dates, ignoring the day (Jan 31 → Feb 1 is 1 M).
 */
export function diffDateTimes(from: DateTimeValue, to: DateTimeValue, unit: DateTimeUnit | string): number {
  switch (unit) {
    case "s":
    case "m":
    case "h": {
      let seconds = to.epochSeconds - from.epochSeconds;
      const nanos = to.nanos - from.nanos;
      // make seconds and nanos share a sign so truncating the seconds truncates the whole duration
      if (seconds > 0 && nanos < 0) seconds -= 1;
      else if (seconds < 0 && nanos > 0) seconds += 1;
      const per = unit === "s" ? 1 : unit === "m" ? 60 : 3600;
      return Math.trunc(seconds / per) + 0;
    }
    case "D":
    case "W": {
      const days = to.date().toDays() - from.date().toDays();
      return unit === "D" ? days : Math.trunc(days / 7) + 0;
    }
    case "M": {
      const a = from.local();
      const b = to.local();
      return (b.year - a.year) * 12 + (b.month - a.month);
    }
    case "Y":
      return to.local().year - from.local().year;
  }
  throw unknownUnit(unit);
}

/** goflow's tz_offset: the zone's offset at this instant as `-0500` (`+0000` for UTC). */
export function tzOffsetText(dt: DateTimeValue): string {
  return formatOffset(dt.offset(), false);
}
