// Calendar dates (proleptic Gregorian, no zone), with Go's normalisation of out-of-range parts.

import { DateError } from "./error";

/** Days since 1970-01-01 of a civil date; day may overflow (linear), month must be 1-12. */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Howard Hinnant's algorithm: exact for any year, no Date objects.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = month > 2 ? month - 3 : month + 9;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day count since 1970-01-01. */
export function civilFromDays(days: number): DateValue {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return new DateValue(yoe + era * 400 + (m <= 2 ? 1 : 0), m, d);
}

/** Days since 1970-01-01 of (year, month, day), normalising overflowing months and days like Go's time.Date. */
export function normalizedDays(year: number, month: number, day: number): number {
  const m0 = month - 1;
  const yearShift = Math.floor(m0 / 12);
  return daysFromCivil(year + yearShift, m0 - yearShift * 12 + 1, 1) + day - 1;
}

/** Whether the year is a Gregorian leap year. */
export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Number of days in a month (1-12) of a year. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

function pad(n: number, width: number): string {
  const s = String(n < 0 ? -n : n);
  return (n < 0 ? "-" : "") + (s.length >= width ? s : "0".repeat(width - s.length) + s);
}

/** A calendar date: year, month 1-12, day 1-31 (always valid; use DateValue.of to normalise). */
export class DateValue {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {}

  /** A date from possibly overflowing parts, normalised like Go (`2017-02-31` is `2017-03-03`). */
  static of(year: number, month: number, day: number): DateValue {
    if (month >= 1 && month <= 12 && day >= 1 && day <= 28) return new DateValue(year, month, day);
    return civilFromDays(normalizedDays(year, month, day));
  }

  /** Days since 1970-01-01. */
  toDays(): number {
    return daysFromCivil(this.year, this.month, this.day);
  }

  /** Day of the week, 0 = Sunday. */
  weekday(): number {
    const w = (this.toDays() + 4) % 7; // 1970-01-01 was a Thursday
    return w < 0 ? w + 7 : w;
  }

  /** Day of the year, 1-366. */
  yearDay(): number {
    return this.toDays() - daysFromCivil(this.year, 1, 1) + 1;
  }

  /** goflow's week number (1-54): weeks start on Sunday and the week containing January 1st is week 1. */
  weekNumber(): number {
    const jan1 = new DateValue(this.year, 1, 1).weekday();
    return Math.floor((this.yearDay() + jan1 - 1) / 7) + 1;
  }

  /** Adds years, months and days like Go's AddDate (normalising, so Jan 31 + 1 month is Mar 3 or Mar 2). */
  add(years: number, months: number, days: number): DateValue {
    return DateValue.of(this.year + years, this.month + months, this.day + days);
  }

  /** Negative, zero or positive as this date is before, equal to or after the other. */
  compare(other: DateValue): number {
    return this.year - other.year || this.month - other.month || this.day - other.day;
  }

  equals(other: DateValue): boolean {
    return this.year === other.year && this.month === other.month && this.day === other.day;
  }

  /** ISO text, `2017-01-15`. */
  toString(): string {
    return pad(this.year, 4) + "-" + pad(this.month, 2) + "-" + pad(this.day, 2);
  }

  toJSON(): string {
    return this.toString();
  }
}

/** goflow's date_from_parts: month must be 1-12 and day 1-31, then overflow normalises (`2017-02-31` → `2017-03-03`). */
export function dateFromParts(year: number, month: number, day: number): DateValue {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) {
    throw new DateError("date parts must be integers");
  }
  if (month < 1 || month > 12) throw new DateError("invalid value for month, must be 1-12");
  if (day < 1 || day > 31) throw new DateError("invalid value for day, must be 1-31");
  return DateValue.of(year, month, day);
}
