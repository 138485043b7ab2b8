import type { Environment } from "../environment";
import { define } from "../functions/define";
import { parseNumberText, toNumber, toText } from "../values/convert";
import type { Decimal } from "../values/number";
import { XError, XFunction, XNumber, type XValue } from "../values/types";
import { FALSE, trueResult } from "./result";

/** Surrounding punctuation people type around numbers ("42.", "(42)", "42!"). */
const EDGE_PUNCTUATION = /^[^\p{L}\p{N}\-.]+|[^\p{L}\p{N}]+$/gu;

/** The first whitespace-separated number in the text that passes the check, as goflow's number tests. */
function findNumber(env: Environment, v: XValue, check: (n: Decimal) => boolean): XValue {
  const s = toText(env, v);
  if (s instanceof XError) return s;
  for (const word of s.split(/\s+/)) {
    const n = parseNumberText(env, word.replace(EDGE_PUNCTUATION, ""));
    if (n && check(n)) return trueResult(new XNumber(n));
  }
  return FALSE;
}

function comparison(name: string, check: (n: Decimal, test: Decimal) => boolean): XFunction {
  return define(name, 2, 2, (env, [v, t]) => {
    const test = toNumber(env, t);
    return test instanceof XError ? test : findNumber(env, v, (n) => check(n, test));
  });
}

export const numberTests: XFunction[] = [
  define("has_number", 1, 1, (env, [v]) => findNumber(env, v, () => true)),

  define("has_number_between", 3, 3, (env, [v, lo, hi]) => {
    const min = toNumber(env, lo);
    if (min instanceof XError) return min;
    const max = toNumber(env, hi);
    if (max instanceof XError) return max;
    return findNumber(env, v, (n) => n.gte(min) && n.lte(max));
  }),

  comparison("has_number_lt", (n, t) => n.lt(t)),
  comparison("has_number_lte", (n, t) => n.lte(t)),
  comparison("has_number_eq", (n, t) => n.eq(t)),
  comparison("has_number_gte", (n, t) => n.gte(t)),
  comparison("has_number_gt", (n, t) => n.gt(t)),
];
