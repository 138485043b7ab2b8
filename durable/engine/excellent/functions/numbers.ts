import type { Environment } from "../environment";
import { checkedNumber } from "../operators";
import { toBoolean, toInteger, toNumber } from "../values/convert";
import { Decimal, DIVISION_PLACES, formatDecimal, type Rounding } from "../values/number";
import { XError, XFunction, XNumber, err, text, type XValue } from "../values/types";
import { define } from "./define";

function numbers(env: Environment, args: XValue[]): Decimal[] | XError {
  const out: Decimal[] = [];
  for (const a of args) {
    const n = toNumber(env, a);
    if (n instanceof XError) return n;
    out.push(n);
  }
  return out;
}

/** Rounds to `places` decimals (negative: tens, hundreds...) with the given decimal.js rounding mode. */
function roundTo(d: Decimal, places: number, mode: Rounding): Decimal {
  if (places >= 0) return d.toDecimalPlaces(places, mode);
  const scale = new Decimal(10).pow(-places);
  return d.div(scale).toDecimalPlaces(0, mode).times(scale);
}

function rounder(name: string, mode: Rounding): XFunction {
  return define(name, 1, 2, (env, args) => {
    const n = toNumber(env, args[0]);
    if (n instanceof XError) return n;
    const places = args.length > 1 ? toInteger(env, args[1]) : 0;
    if (places instanceof XError) return places;
    return new XNumber(roundTo(n, places, mode));
  });
}

function random(env: Environment): number {
  return (env.random ?? Math.random)();
}

export const numberFunctions: XFunction[] = [
  define("number", 1, 1, (env, [v]) => {
    const n = toNumber(env, v);
    return n instanceof XError ? n : new XNumber(n);
  }),

  define("abs", 1, 1, (env, [v]) => {
    const n = toNumber(env, v);
    return n instanceof XError ? n : new XNumber(n.abs());
  }),

  rounder("round", Decimal.ROUND_HALF_UP),
  rounder("round_up", Decimal.ROUND_CEIL),
  rounder("round_down", Decimal.ROUND_FLOOR),

  define("max", 1, Infinity, (env, args) => {
    const ns = numbers(env, args);
    return ns instanceof XError ? ns : new XNumber(Decimal.max(...ns));
  }),

  define("min", 1, Infinity, (env, args) => {
    const ns = numbers(env, args);
    return ns instanceof XError ? ns : new XNumber(Decimal.min(...ns));
  }),

  define("mean", 1, Infinity, (env, args) => {
    const ns = numbers(env, args);
    if (ns instanceof XError) return ns;
    return new XNumber(Decimal.sum(...ns).div(ns.length).toDecimalPlaces(DIVISION_PLACES));
  }),

  define("mod", 2, 2, (env, args) => {
    const ns = numbers(env, args);
    if (ns instanceof XError) return ns;
    if (ns[1].isZero()) return err("division by zero");
    return new XNumber(ns[0].mod(ns[1]));
  }),

  define("rand", 0, 0, (env) => new XNumber(new Decimal(random(env)).toDecimalPlaces(DIVISION_PLACES))),

  define("rand_between", 2, 2, (env, args) => {
    const ns = numbers(env, args);
    if (ns instanceof XError) return ns;
    const [lo, hi] = ns;
    if (hi.lt(lo)) return err("max must be greater than or equal to min");
    const span = hi.minus(lo).plus(1).floor();
    return checkedNumber(lo.floor().plus(span.times(random(env)).floor()));
  }),

  define("format_number", 1, 3, (env, args) => {
    const n = toNumber(env, args[0]);
    if (n instanceof XError) return n;
    let places: number | undefined;
    if (args.length > 1) {
      const p = toInteger(env, args[1]);
      if (p instanceof XError) return p;
      if (p < 0 || p > 9) return err(`must take 0-9 number of places, got ${p}`);
      places = p;
    }
    const humanize = args.length > 2 ? toBoolean(env, args[2]) : true;
    if (humanize instanceof XError) return humanize;
    return text(formatDecimal(n, env.number_format, places, humanize));
  }),
];
