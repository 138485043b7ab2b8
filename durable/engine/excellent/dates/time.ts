// Times of day without a date or zone (goflow's dates.TimeOfDay).

import { DateError } from "./error";

function pad2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

/** A time of day: hour 0-23, minute 0-59, second 0-59, nanosecond 0-999999999. */
export class TimeValue {
  constructor(
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly nanosecond: number = 0,
  ) {}

  /** Nanoseconds since midnight (fits a double exactly: < 2^47). */
  toNanos(): number {
    return ((this.hour * 60 + this.minute) * 60 + this.second) * 1e9 + this.nanosecond;
  }

  /** Negative, zero or positive as this time is before, equal to or after the other. */
  compare(other: TimeValue): number {
    return this.toNanos() - other.toNanos();
  }

  equals(other: TimeValue): boolean {
    return this.toNanos() === other.toNanos();
  }

  /** ISO text with microseconds, `22:30:45.000000`. */
  toString(): string {
    const micros = String(Math.floor(this.nanosecond / 1000));
    return (
      pad2(this.hour) + ":" + pad2(this.minute) + ":" + pad2(this.second) + "." + "000000".slice(micros.length) + micros
    );
  }

  toJSON(): string {
    return this.toString();
  }
}

/** Midnight. */
export const MIDNIGHT = new TimeValue(0, 0, 0, 0);

/** goflow's time_from_parts: hour 0-23, minute 0-59, second 0-59, else DateError. */
export function timeFromParts(hour: number, minute: number, second: number, nanosecond = 0): TimeValue {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new DateError("invalid value for hour, must be 0-23");
  if (!Number.isInteger(minute) || minute < 0 || minute > 59) {
    throw new DateError("invalid value for minute, must be 0-59");
  }
  if (!Number.isInteger(second) || second < 0 || second > 59) {
    throw new DateError("invalid value for second, must be 0-59");
  }
  if (!Number.isInteger(nanosecond) || nanosecond < 0 || nanosecond > 999_999_999) {
    throw new DateError("invalid value for nanosecond, must be 0-999999999");
  }
  return new TimeValue(hour, minute, second, nanosecond);
}
