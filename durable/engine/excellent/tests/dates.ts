import type { DateValue } from "../dates";
import { define } from "../functions/define";
import { toDate, toDateTime, toTime } from "../values/convert";
import { XDateTime, XError, XFunction, XTime } from "../values/types";
import { FALSE, trueResult } from "./result";

function dateComparison(name: string, check: (found: DateValue, test: DateValue) => boolean): XFunction {
  return define(name, 2, 2, (env, [v, t]) => {
    const test = toDate(env, t);
    if (test instanceof XError) return test;
    const found = toDateTime(env, v, true);
    if (found instanceof XError) return FALSE;
    return check(found.inZone(env.timezone).date(), test) ? trueResult(new XDateTime(found)) : FALSE;
  });
}

export const dateTests: XFunction[] = [
  // a date found in the text, at the current time of day when the text gives none
  define("has_date", 1, 1, (env, [v]) => {
    const found = toDateTime(env, v, true);
    return found instanceof XError ? FALSE : trueResult(new XDateTime(found));
  }),

  dateComparison("has_date_lt", (found, test) => found.compare(test) < 0),
  dateComparison("has_date_eq", (found, test) => found.compare(test) === 0),
  dateComparison("has_date_gt", (found, test) => found.compare(test) > 0),

  define("has_time", 1, 1, (env, [v]) => {
    const found = toTime(env, v);
    return found instanceof XError ? FALSE : trueResult(new XTime(found));
  }),
];
