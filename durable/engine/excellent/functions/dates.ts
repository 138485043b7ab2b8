import {
  addToDateTime,
  dateFromParts,
  dateTimeLayout,
  diffDateTimes,
  epochSecondsText,
  formatDate,
  formatDateTime,
  formatTime,
  fromEpochSeconds,
  parseTimeWithLayout,
  parseWithLayout,
  replaceTime,
  timeFromParts,
  tzOffsetText,
} from "../dates";
import type { Environment } from "../environment";
import { now, toDate, toDateTime, toInteger, toNumber, toText, toTime } from "../values/convert";
import { Decimal } from "../values/number";
import { XDate, XDateTime, XError, XFunction, XNumber, XTime, err, num, text, type XValue } from "../values/types";
import { define } from "./define";

function optText(env: Environment, args: XValue[], i: number, fallback: string): string | XError {
  return args.length > i ? toText(env, args[i]) : fallback;
}

function integers(env: Environment, args: XValue[]): number[] | XError {
  const out: number[] = [];
  for (const a of args) {
    const n = toInteger(env, a);
    if (n instanceof XError) return n;
    out.push(n);
  }
  return out;
}

export const dateFunctions: XFunction[] = [
  define("date", 1, 1, (env, [v]) => {
    const d = toDate(env, v);
    return d instanceof XError ? d : new XDate(d);
  }),

  define("datetime", 1, 1, (env, [v]) => {
    const dt = toDateTime(env, v);
    return dt instanceof XError ? dt : new XDateTime(dt);
  }),

  define("time", 1, 1, (env, [v]) => {
    const t = toTime(env, v);
    return t instanceof XError ? t : new XTime(t);
  }),

  define("now", 0, 0, (env) => new XDateTime(now(env))),

  define("today", 0, 0, (env) => new XDate(now(env).date())),

  define("date_from_parts", 3, 3, (env, args) => {
    const parts = integers(env, args);
    return parts instanceof XError ? parts : new XDate(dateFromParts(parts[0], parts[1], parts[2]));
  }),

  define("time_from_parts", 3, 3, (env, args) => {
    const parts = integers(env, args);
    return parts instanceof XError ? parts : new XTime(timeFromParts(parts[0], parts[1], parts[2]));
  }),

  define("datetime_add", 3, 3, (env, [v, amount, unit]) => {
    const dt = toDateTime(env, v);
    if (dt instanceof XError) return dt;
    const n = toInteger(env, amount);
    if (n instanceof XError) return n;
    const u = toText(env, unit);
    if (u instanceof XError) return u;
    return new XDateTime(addToDateTime(dt, n, u));
  }),

  define("datetime_diff", 3, 3, (env, [a, b, unit]) => {
    const from = toDateTime(env, a);
    if (from instanceof XError) return from;
    const to = toDateTime(env, b);
    if (to instanceof XError) return to;
    const u = toText(env, unit);
    if (u instanceof XError) return u;
    return num(diffDateTimes(from, to, u));
  }),

  define("datetime_from_epoch", 1, 1, (env, [v]) => {
    const seconds = toNumber(env, v);
    if (seconds instanceof XError) return seconds;
    return new XDateTime(fromEpochSeconds(seconds.toFixed(), env.timezone));
  }),

  define("epoch", 1, 1, (env, [v]) => {
    const dt = toDateTime(env, v);
    return dt instanceof XError ? dt : new XNumber(new Decimal(epochSecondsText(dt)));
  }),

  define("replace_time", 2, 2, (env, [v, t]) => {
    const dt = toDateTime(env, v);
    if (dt instanceof XError) return dt;
    const time = toTime(env, t);
    if (time instanceof XError) return time;
    return new XDateTime(replaceTime(dt, time));
  }),

  define("tz", 1, 1, (env, [v]) => {
    const dt = toDateTime(env, v);
    return dt instanceof XError ? dt : text(dt.zoneName);
  }),

  define("tz_offset", 1, 1, (env, [v]) => {
    const dt = toDateTime(env, v);
    return dt instanceof XError ? dt : text(tzOffsetText(dt));
  }),

  define("weekday", 1, 1, (env, [v]) => {
    const d = toDate(env, v);
    return d instanceof XError ? d : num(d.weekday());
  }),

  define("week_number", 1, 1, (env, [v]) => {
    const d = toDate(env, v);
    return d instanceof XError ? d : num(d.weekNumber());
  }),

  define("format_date", 1, 2, (env, args) => {
    const d = toDate(env, args[0]);
    if (d instanceof XError) return d;
    const layout = optText(env, args, 1, env.date_format);
    if (layout instanceof XError) return layout;
    return text(formatDate(d, layout));
  }),

  define("format_datetime", 1, 3, (env, args) => {
    const dt = toDateTime(env, args[0]);
    if (dt instanceof XError) return dt;
    const layout = optText(env, args, 1, dateTimeLayout(env.date_format, env.time_format));
    if (layout instanceof XError) return layout;
    const zone = optText(env, args, 2, env.timezone);
    if (zone instanceof XError) return zone;
    return text(formatDateTime(dt.inZone(zone), layout));
  }),

  define("format_time", 1, 2, (env, args) => {
    const t = toTime(env, args[0]);
    if (t instanceof XError) return t;
    const layout = optText(env, args, 1, env.time_format);
    if (layout instanceof XError) return layout;
    return text(formatTime(t, layout));
  }),

  define("parse_datetime", 2, 3, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const layout = toText(env, args[1]);
    if (layout instanceof XError) return layout;
    const zone = optText(env, args, 2, env.timezone);
    if (zone instanceof XError) return zone;
    return new XDateTime(parseWithLayout(s, layout, zone));
  }),

  define("parse_time", 2, 2, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const layout = toText(env, args[1]);
    if (layout instanceof XError) return layout;
    return new XTime(parseTimeWithLayout(s, layout));
  }),

  // legacy_add(a, b): numbers add; a date and a whole number of days give a datetime (migrated legacy flows)
  define("legacy_add", 2, 2, (env, [a, b]) => {
    const x = toNumber(env, a);
    const y = toNumber(env, b);
    if (!(x instanceof XError) && !(y instanceof XError)) return new XNumber(x.plus(y));
    for (const [dateArg, daysArg] of [
      [a, y],
      [b, x],
    ] as const) {
      if (daysArg instanceof XError) continue;
      const dt = toDateTime(env, dateArg);
      if (dt instanceof XError) continue;
      if (!daysArg.isInteger()) return err("can only add a whole number of days to a date");
      return new XDateTime(addToDateTime(dt, daysArg.toNumber(), "D"));
    }
    return err("can only add numbers, or a date and a number of days");
  }),
];
