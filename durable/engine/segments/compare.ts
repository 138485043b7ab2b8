import { addToDateTime, fromEpochNanos, type DateTimeValue, type DateValue, type Zone } from "../excellent/dates";
import { DATE_OPERATORS, NUMBER_OPERATORS, type EventCondition, type SegmentAttributeCondition } from "../flow/schema";
import { conditionHolds } from "../waits/event";

const UNITS = { minutes: "m", hours: "h", days: "D" } as const;

/** What an operand is, as a segment condition compares it: absent, text, a number or an instant. */
export type Operand = { text: string; number?: number; datetime?: DateTimeValue };

/**
 * Whether a condition holds for an operand. The operator says how it is read: text operators
 * compare the text (ignoring case, as the wait for an event does), number operators its number,
 * date operators its date-time in the zone. A missing value is empty: it meets `is_empty`, `is_not`,
 * and no number or date operator.
 */
export function compare(c: SegmentAttributeCondition, operand: Operand, value: string, now: DateTimeValue, zone: Zone, readDate: (text: string) => DateValue | null): boolean {
  const op = c.operator;
  if (op === "is_empty") return operand.text === "";
  if (op === "is_not_empty") return operand.text !== "";
  if (!isDateOperator(op)) {
    const v = NUMBER_OPS.has(op) ? (operand.number ?? operand.text) : operand.text;
    return conditionHolds({ property: "", operator: op as EventCondition["operator"], value }, v);
  }
  const dt = operand.datetime?.inZone(zone);
  if (!dt) return false;
  const day = dt.date().toDays();
  const today = now.inZone(zone).date().toDays();
  if (op === "was_today") return day === today;
  if (op === "on" || op === "not_on" || op === "before" || op === "until" || op === "since" || op === "after") {
    const d = readDate(value);
    if (!d) return false;
    const other = d.toDays();
    return { on: day === other, not_on: day !== other, before: day < other, until: day <= other, since: day >= other, after: day > other }[op];
  }
  const amount = Number(value);
  if (!Number.isFinite(amount)) return false;
  const unit = c.unit ?? "days";
  // "Will be in 3 days" is a calendar day; in hours or minutes, the last such unit before the mark.
  if (op === "will_be_in") return unit === "days" ? day === today + amount : ahead(dt, now, amount, unit) && !ahead(dt, now, amount - 1, unit);
  const later = addToDateTime(now, amount, UNITS[unit]);
  const ago = addToDateTime(now, -amount, UNITS[unit]);
  switch (op) {
    case "will_be_within":
      return ahead(dt, now, amount, unit);
    case "will_be_more_than":
      return dt.compare(later) > 0;
    case "was_within":
      return dt.compare(ago) >= 0 && dt.compare(now) <= 0;
    case "was_more_than":
      return dt.compare(ago) < 0;
  }
  return false;
}

/** Whether `dt` is from now to `amount` units ahead. */
function ahead(dt: DateTimeValue, now: DateTimeValue, amount: number, unit: keyof typeof UNITS): boolean {
  return dt.compare(now) >= 0 && dt.compare(addToDateTime(now, amount, UNITS[unit])) <= 0;
}

const DATE_OPS = new Set<string>(DATE_OPERATORS);
const NUMBER_OPS = new Set<string>(NUMBER_OPERATORS);

export function isDateOperator(op: string): boolean {
  return DATE_OPS.has(op);
}

/** An instant from epoch nanoseconds, in the zone. */
export function instant(ns: bigint | null, zone: Zone): DateTimeValue | undefined {
  return ns === null ? undefined : fromEpochNanos(ns, zone);
}
