// What a segment condition may compare and how, for the split by segment's condition builder. The
// operator families, their members and which attributes are dates are the engine's own lists
// (durable/engine/flow/schema.ts, validate-segments.ts); only the words shown to people are here.
import {
  DATE_OPERATORS,
  EMPTY_OPERATORS,
  EventCondition,
  NUMBER_OPERATORS,
  TEXT_OPERATORS,
  type SegmentAttributeCondition,
  type SegmentCondition,
  type SegmentEventCondition,
} from "../../../../durable/engine/flow/schema";
import { DATE_ATTRIBUTES, RELATIVE } from "../../../../durable/engine/flow/validate-segments";

export type ValueType = "text" | "number" | "date";
export type Operator = SegmentAttributeCondition["operator"];
export type PropertyOperator = EventCondition["operator"];
export type Unit = NonNullable<SegmentAttributeCondition["unit"]>;

/** One segment as the split's form holds it: its exit, and its conditions as the engine's JSON. */
export type SegmentRow = { category?: string; name?: string; match?: "all" | "any"; conditions?: SegmentCondition[] };

/** The contact's standard attributes, grouped as the builder lists them; a date attribute takes date operators. */
export const ATTRIBUTES: { value: string; label: string; group: "Contact" | "Contact information" | "Channel" }[] = [
  { value: "name", label: "Name", group: "Contact" },
  { value: "language", label: "Language", group: "Contact" },
  { value: "timezone", label: "Time zone", group: "Contact" },
  { value: "status", label: "Status", group: "Contact" },
  { value: "created_on", label: "Created on", group: "Contact" },
  { value: "last_seen_on", label: "Last seen on", group: "Contact" },
  { value: "email", label: "Email address", group: "Contact information" },
  { value: "phone", label: "Phone number", group: "Contact information" },
  { value: "urn:whatsapp", label: "WhatsApp number", group: "Contact information" },
  { value: "urn:telegram", label: "Telegram ID", group: "Contact information" },
  { value: "last_contacted_on", label: "Last contacted", group: "Channel" },
];

export const attributeType = (attribute: string): ValueType => (DATE_ATTRIBUTES.has(attribute) ? "date" : "text");

/** A custom field's type (GET /fields) as the family of operators that compare it. */
export const fieldType = (type: string | undefined): ValueType => (type === "number" ? "number" : type === "datetime" ? "date" : "text");

const LABELS: Record<Operator, string> = {
  is: "is",
  is_not: "is not",
  contains: "contains",
  starts_with: "starts with",
  ends_with: "ends with",
  equals: "is",
  not_equals: "is not",
  less_than: "less than",
  less_or_equal: "less or equal",
  greater_or_equal: "greater or equal",
  greater_than: "greater than",
  on: "is",
  not_on: "is not",
  before: "before",
  until: "until",
  since: "since",
  after: "after",
  will_be_in: "will be in",
  will_be_within: "will be within",
  will_be_more_than: "will be more than",
  was_within: "was within",
  was_more_than: "was more than",
  was_today: "was today",
  is_empty: "is empty",
  is_not_empty: "is not empty",
};

const FAMILIES: Record<ValueType, readonly Operator[]> = {
  text: [...TEXT_OPERATORS, ...EMPTY_OPERATORS],
  number: [...NUMBER_OPERATORS, ...EMPTY_OPERATORS],
  date: [...DATE_OPERATORS, ...EMPTY_OPERATORS],
};

/** The operators valid for a value type, in Moments' order, with their words. */
export const operatorsFor = (type: ValueType) => FAMILIES[type].map((value) => ({ value, label: LABELS[value] }));

export const operatorLabel = (op: string): string => LABELS[op as Operator] ?? op;

/** What an operator needs: nothing, a value, or an amount of a unit ("was within 3 days"). */
export const valueKind = (op: string): "none" | "value" | "amount" => (op === "is_empty" || op === "is_not_empty" || op === "was_today" ? "none" : RELATIVE.has(op) ? "amount" : "value");

/** An event's property conditions: the operators of the wait for an event, from the engine's schema. */
export const PROPERTY_OPERATORS = EventCondition.shape.operator.options.map((value) => ({
  value,
  label: (NUMBER_OPERATORS as readonly string[]).includes(value) ? `${LABELS[value]} (number)` : LABELS[value],
}));

export const UNITS: { value: Unit; label: string }[] = [
  { value: "minutes", label: "minutes" },
  { value: "hours", label: "hours" },
  { value: "days", label: "days" },
];

/** A fresh condition of each kind, as the builder adds it. */
export const newAttributeCondition = (): SegmentAttributeCondition => ({ attribute: "name", operator: "is", value: "" });
export const newEventCondition = (): SegmentEventCondition => ({ event: "", performed: true, within: { amount: 7, unit: "days" }, conditions: [] });
export const newGroup = (): SegmentCondition => ({ match: "any", conditions: [newAttributeCondition()] });

/** One condition in words, for the node's summary on the canvas. */
export function describeCondition(c: SegmentCondition): string {
  if ("match" in c) {
    const g = c as { match: "all" | "any"; conditions: SegmentCondition[] };
    return `(${g.conditions.map(describeCondition).join(g.match === "all" ? " AND " : " OR ")})`;
  }
  if ("query" in c) return String(c.query);
  if ("event" in c) {
    const e = c as SegmentEventCondition;
    const where = e.conditions.map((k) => `${k.property} ${operatorLabel(k.operator)}${k.value !== undefined ? ` ${k.value}` : ""}`);
    return `${e.performed === false ? "did not perform" : "performed"} ${e.event || "?"} in the last ${e.within.amount} ${e.within.unit}${where.length ? ` where ${where.join(" and ")}` : ""}`;
  }
  const a = c as SegmentAttributeCondition;
  const what = a.field ? a.field.name || a.field.key : (ATTRIBUTES.find((x) => x.value === a.attribute)?.label ?? a.attribute ?? "?");
  const kind = valueKind(a.operator);
  return `${what} ${operatorLabel(a.operator)}${kind === "value" ? ` ${a.value ?? ""}` : kind === "amount" ? ` ${a.value ?? ""} ${a.unit ?? "days"}` : ""}`;
}
