import type { Environment } from "../environment";
import { checkedNumber } from "../operators";
import { toInteger, toNumber, toText, truthy } from "../values/convert";
import { equals } from "../values/equals";
import { Decimal } from "../values/number";
import { XArray, XBoolean, XError, XFunction, arr, describe, err, num, text, type XValue } from "../values/types";
import { define } from "./define";

export function toArray(v: XValue): XArray | XError {
  if (v !== null && v.kind === "error") return v;
  if (v !== null && v.kind === "array") return v;
  if (v !== null && v.kind === "object" && v.hasDefault && v.defaultValue?.kind === "array") return v.defaultValue;
  return err(`${describe(v)} isn't an array`);
}

export function toFunction(v: XValue): XFunction | XError {
  if (v !== null && v.kind === "error") return v;
  if (v !== null && v.kind === "function") return v;
  return err(`${describe(v)} isn't a function`);
}

/** Sort key kinds that can be ordered among themselves. */
function compareValues(a: XValue, b: XValue): number | null {
  if (a === null || b === null || a.kind !== b.kind) return null;
  switch (a.kind) {
    case "number":
      return a.value.cmp((b as typeof a).value);
    case "text": {
      const y = (b as typeof a).value;
      return a.value < y ? -1 : a.value > y ? 1 : 0;
    }
    case "date":
    case "datetime":
    case "time":
      return a.value.compare((b as typeof a).value as never);
    default:
      return null;
  }
}

function sortValues(values: readonly XValue[]): XValue[] | XError {
  let failed = false;
  const sorted = [...values].sort((a, b) => {
    const c = compareValues(a, b);
    if (c === null) failed = true;
    return c ?? 0;
  });
  return failed ? err("unable to sort values of different types") : sorted;
}

export function callEach(env: Environment, fn: XFunction, values: readonly XValue[], extra: XValue[]): XValue[] | XError {
  const out: XValue[] = [];
  for (const v of values) {
    const r = fn.call(env, [v, ...extra]);
    if (r !== null && r.kind === "error") return r;
    out.push(r);
  }
  return out;
}

export const arrayFunctions: XFunction[] = [
  define("array", 0, Infinity, (_env, args) => arr(args)),

  define("count", 1, 1, (_env, [v]) => {
    if (v !== null && v.kind === "array") return num(v.values.length);
    if (v !== null && v.kind === "object") return num(v.properties.size);
    return err(`value isn't countable`);
  }),

  define("concat", 2, 2, (_env, [a, b]) => {
    const x = toArray(a);
    if (x instanceof XError) return x;
    const y = toArray(b);
    if (y instanceof XError) return y;
    return arr([...x.values, ...y.values]);
  }),

  define("contains", 2, 2, (_env, [a, v]) => {
    const x = toArray(a);
    if (x instanceof XError) return x;
    return XBoolean.of(x.values.some((item) => equals(item, v)));
  }),

  define("join", 2, 2, (env, [a, d]) => {
    const x = toArray(a);
    if (x instanceof XError) return x;
    const delimiter = toText(env, d);
    if (delimiter instanceof XError) return delimiter;
    const parts: string[] = [];
    for (const item of x.values) {
      const s = toText(env, item);
      if (s instanceof XError) return s;
      parts.push(s);
    }
    return text(parts.join(delimiter));
  }),

  define("reverse", 1, 1, (_env, [a]) => {
    const x = toArray(a);
    return x instanceof XError ? x : arr([...x.values].reverse());
  }),

  define("sort", 1, 1, (_env, [a]) => {
    const x = toArray(a);
    if (x instanceof XError) return x;
    const sorted = sortValues(x.values);
    return sorted instanceof XError ? sorted : arr(sorted);
  }),

  define("slice", 2, 3, (env, args) => {
    const x = toArray(args[0]);
    if (x instanceof XError) return x;
    const n = x.values.length;
    let start = toInteger(env, args[1]);
    if (start instanceof XError) return start;
    let end: number | XError = args.length > 2 ? toInteger(env, args[2]) : n;
    if (end instanceof XError) return end;
    if (start < 0) start = Math.max(0, n + start);
    if (end < 0) end = Math.max(0, n + end);
    return arr(x.values.slice(start, Math.min(end, n)));
  }),

  define("sum", 1, 1, (env, [a]) => {
    const x = toArray(a);
    if (x instanceof XError) return x;
    let total = new Decimal(0);
    for (const item of x.values) {
      const n = toNumber(env, item);
      if (n instanceof XError) return n;
      total = total.plus(n);
    }
    return checkedNumber(total);
  }),

  define("unique", 1, 1, (_env, [a]) => {
    const x = toArray(a);
    if (x instanceof XError) return x;
    const out: XValue[] = [];
    for (const item of x.values) if (!out.some((o) => equals(o, item))) out.push(item);
    return arr(out);
  }),

  define("filter", 2, 2, (env, [a, f]) => {
    const x = toArray(a);
    if (x instanceof XError) return x;
    const fn = toFunction(f);
    if (fn instanceof XError) return fn;
    const out: XValue[] = [];
    for (const item of x.values) {
      const keep = fn.call(env, [item]);
      if (keep !== null && keep.kind === "error") return keep;
      if (truthy(keep)) out.push(item);
    }
    return arr(out);
  }),

  define("foreach", 2, Infinity, (env, [a, f, ...extra]) => {
    const x = toArray(a);
    if (x instanceof XError) return x;
    const fn = toFunction(f);
    if (fn instanceof XError) return fn;
    const out = callEach(env, fn, x.values, extra);
    return out instanceof XError ? out : arr(out);
  }),
];
