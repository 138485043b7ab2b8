import DecimalJS from "decimal.js";

/**
 * goflow keeps numbers as arbitrary-precision decimals (shopspring/decimal): no float artefacts,
 * trailing zeros dropped when rendered, division to 16 decimal places rounded half away from zero.
 */
export const Decimal = DecimalJS.clone({
  precision: 80,
  rounding: DecimalJS.ROUND_HALF_UP,
  toExpNeg: -1000,
  toExpPos: 1000,
});
export type Decimal = DecimalJS;
export type Rounding = DecimalJS.Rounding;

/** Places kept by division, as shopspring/decimal's DivisionPrecision. */
export const DIVISION_PLACES = 16;

/** goflow refuses numbers it cannot store (e.g. `2 ^ 400`); we cap magnitudes at 36 integer digits. */
const MAX_MAGNITUDE = new Decimal("1e36");

export function inRange(d: Decimal): boolean {
  return d.abs().lt(MAX_MAGNITUDE);
}

const DECIMAL_TEXT = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/** Parses a plain decimal ("12", "-3.5", ".5"); surrounding whitespace is ignored. */
export function parseDecimal(text: string): Decimal | null {
  const t = text.trim();
  if (!DECIMAL_TEXT.test(t)) return null;
  return new Decimal(t.endsWith(".") ? t.slice(0, -1) : t);
}

export function decimalToString(d: Decimal): string {
  return d.isZero() ? "0" : d.toString();
}

export interface NumberFormat {
  decimal_symbol: string;
  digit_grouping_symbol: string;
}

export const DEFAULT_NUMBER_FORMAT: NumberFormat = { decimal_symbol: ".", digit_grouping_symbol: "," };

/**
 * Formats a number for people: `places` fixed decimals (or as many as it has when undefined),
 * digits grouped in threes when `humanize`.
 */
export function formatDecimal(d: Decimal, format: NumberFormat, places?: number, humanize = true): string {
  let text = places === undefined ? decimalToString(d) : d.toFixed(places, Decimal.ROUND_HALF_UP);
  if (text === "-0" || /^-0\.0*$/.test(text)) text = text.slice(1);
  const negative = text.startsWith("-");
  if (negative) text = text.slice(1);
  const [intPart, fracPart] = text.split(".");
  let grouped = intPart;
  if (humanize) {
    const groups: string[] = [];
    for (let end = intPart.length; end > 0; end -= 3) groups.unshift(intPart.slice(Math.max(0, end - 3), end));
    grouped = groups.join(format.digit_grouping_symbol);
  }
  const body = fracPart !== undefined && fracPart !== "" ? grouped + format.decimal_symbol + fracPart : grouped;
  return negative ? "-" + body : body;
}
