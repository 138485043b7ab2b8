import { combine, fromEpochNanos, MIDNIGHT, parseDate, parseDateTime, parseTime, type DateTimeValue, type DateValue, type TimeValue } from "../dates";
import type { Environment } from "../environment";
import { Decimal } from "./number";
import { render } from "./render";
import { XError, describe, err, type XValue } from "./types";

// goflow's conversions (types.ToXText, ToXNumber, ...): errors pass through, objects stand for their default.

export function toText(_env: Environment, v: XValue): string | XError {
  if (v !== null && v.kind === "error") return v;
  return render(v);
}

const STRICT_DECIMAL = /^-?(\d+(\.\d+)?|\.\d+)$/;

/**
 * Reads a number the way goflow does from text people type: case-insensitive `o`/`l` read as 0/1,
 * the environment's grouping symbol dropped and its decimal symbol honoured.
 */
export function parseNumberText(env: Environment, s: string): Decimal | null {
  const { decimal_symbol, digit_grouping_symbol } = env.number_format;
  let cleaned = s.trim().toLowerCase().replaceAll("o", "0").replaceAll("l", "1");
  if (digit_grouping_symbol) cleaned = cleaned.replaceAll(digit_grouping_symbol, "");
  if (decimal_symbol && decimal_symbol !== ".") cleaned = cleaned.replaceAll(decimal_symbol, ".");
  return STRICT_DECIMAL.test(cleaned) ? new Decimal(cleaned) : null;
}

export function toNumber(env: Environment, v: XValue): Decimal | XError {
  if (v !== null) {
    switch (v.kind) {
      case "error":
        return v;
      case "number":
        return v.value;
      case "text": {
        const d = parseNumberText(env, v.value);
        if (d) return d;
        break;
      }
      case "object":
        if (v.hasDefault) return toNumber(env, v.defaultValue ?? null);
        break;
    }
  }
  return err(`unable to convert ${describe(v)} to a number`);
}

/** A whole number (truncated), as goflow's ToInteger. */
export function toInteger(env: Environment, v: XValue): number | XError {
  const d = toNumber(env, v);
  if (d instanceof XError) return d;
  const n = d.trunc().toNumber();
  if (!Number.isSafeInteger(n) || Math.abs(n) > 2147483647) return err(`number ${d.toString()} is out of range for an integer`);
  return n;
}

/** goflow's Truthy: empty text, "false", zero, empty arrays and objects, null are false. */
export function truthy(v: XValue): boolean {
  if (v === null) return false;
  switch (v.kind) {
    case "text":
      return v.value !== "" && v.value.toLowerCase() !== "false";
    case "number":
      return !v.value.isZero();
    case "boolean":
      return v.value;
    case "array":
      return v.values.length > 0;
    case "object":
      return v.hasDefault ? truthy(v.defaultValue ?? null) : v.properties.size > 0;
    case "error":
      return false;
    case "time":
      return v.value.toNanos() !== 0;
    default:
      return true;
  }
}

export function toBoolean(_env: Environment, v: XValue): boolean | XError {
  if (v !== null && v.kind === "error") return v;
  return truthy(v);
}

export function now(env: Environment): DateTimeValue {
  return fromEpochNanos(env.now(), env.timezone);
}

export function toDate(env: Environment, v: XValue): DateValue | XError {
  if (v !== null) {
    switch (v.kind) {
      case "error":
        return v;
      case "date":
        return v.value;
      case "datetime":
        return v.value.date();
      case "text": {
        const d = parseDate(v.value, env.date_format, { currentYear: now(env).local().year });
        if (d) return d;
        break;
      }
      case "object":
        if (v.hasDefault) return toDate(env, v.defaultValue ?? null);
        break;
    }
  }
  return err(`unable to convert ${describe(v)} to a date`);
}

/** Text is read in the environment's date order and zone; a date alone is midnight in that zone. */
export function toDateTime(env: Environment, v: XValue, fillTime = false): DateTimeValue | XError {
  if (v !== null) {
    switch (v.kind) {
      case "error":
        return v;
      case "datetime":
        return v.value;
      case "date":
        return combine(v.value, MIDNIGHT, env.timezone);
      case "text": {
        const current = now(env);
        const dt = parseDateTime(v.value, env.date_format, env.timezone, fillTime ? { fillTimeFrom: current } : { currentYear: current.local().year });
        if (dt) return dt;
        break;
      }
      case "object":
        if (v.hasDefault) return toDateTime(env, v.defaultValue ?? null, fillTime);
        break;
    }
  }
  return err(`unable to convert ${describe(v)} to a datetime`);
}

export function toTime(env: Environment, v: XValue): TimeValue | XError {
  if (v !== null) {
    switch (v.kind) {
      case "error":
        return v;
      case "time":
        return v.value;
      case "datetime":
        return v.value.time();
      case "text": {
        const t = parseTime(v.value);
        if (t) return t;
        break;
      }
      case "object":
        if (v.hasDefault) return toTime(env, v.defaultValue ?? null);
        break;
    }
  }
  return err(`unable to convert ${describe(v)} to a time`);
}
