import type { Environment } from "./environment";
import { Decimal, DIVISION_PLACES, inRange } from "./values/number";
import { toNumber, toText } from "./values/convert";
import { XBoolean, XError, XNumber, err, type XValue } from "./values/types";

/** goflow's `=`: two values are equal when their text is. */
export function equalsText(env: Environment, a: XValue, b: XValue): boolean | XError {
  const l = toText(env, a);
  if (l instanceof XError) return l;
  const r = toText(env, b);
  if (r instanceof XError) return r;
  return l === r;
}

export function compareNumbers(env: Environment, op: "<" | "<=" | ">" | ">=", a: XValue, b: XValue): XValue {
  const l = toNumber(env, a);
  if (l instanceof XError) return l;
  const r = toNumber(env, b);
  if (r instanceof XError) return r;
  const c = l.cmp(r);
  return XBoolean.of(op === "<" ? c < 0 : op === "<=" ? c <= 0 : op === ">" ? c > 0 : c >= 0);
}

export function numericOp(env: Environment, op: "+" | "-" | "*" | "/" | "^", a: XValue, b: XValue): XValue {
  const l = toNumber(env, a);
  if (l instanceof XError) return l;
  const r = toNumber(env, b);
  if (r instanceof XError) return r;
  return checkedNumber(arithmetic(op, l, r));
}

function arithmetic(op: "+" | "-" | "*" | "/" | "^", l: Decimal, r: Decimal): Decimal | XError {
  switch (op) {
    case "+":
      return l.plus(r);
    case "-":
      return l.minus(r);
    case "*":
      return l.times(r);
    case "/":
      if (r.isZero()) return err("division by zero");
      return l.div(r).toDecimalPlaces(DIVISION_PLACES);
    case "^": {
      // refuse before computing: a huge power would take long to produce an out-of-range number anyway
      if (!l.isZero() && r.abs().times(l.abs().log(10).abs()).gt(100)) return err("number value out of range");
      if (l.isZero() && r.isNeg()) return err("division by zero");
      const p = l.pow(r);
      return r.isInteger() ? p : p.toDecimalPlaces(DIVISION_PLACES);
    }
  }
}

/** Wraps a computed decimal, refusing values outside the range goflow supports. */
export function checkedNumber(d: Decimal | XError): XNumber | XError {
  if (d instanceof XError) return d;
  if (!d.isFinite()) return err("number value out of range");
  return inRange(d) ? new XNumber(d) : err("number value out of range");
}
