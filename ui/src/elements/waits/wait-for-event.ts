import type { EventCondition, EventWait } from "../../../../durable/engine/flow/schema";
import type { SplitElement } from "../types";
import { isJourneyWait, JOURNEY_FLOW_TYPES, journeyNode, readTimeout, text, timeoutFields, timeoutText, withWait, writeTimeout } from "./journey";

const OCCURRED = "Occurred";
const OPERATORS: { value: EventCondition["operator"]; label: string; symbol: string }[] = [
  { value: "is", label: "is", symbol: "is" },
  { value: "is_not", label: "is not", symbol: "is not" },
  { value: "contains", label: "contains", symbol: "contains" },
  { value: "starts_with", label: "starts with", symbol: "starts with" },
  { value: "ends_with", label: "ends with", symbol: "ends with" },
  { value: "is_empty", label: "is empty", symbol: "is empty" },
  { value: "is_not_empty", label: "is not empty", symbol: "is not empty" },
  { value: "equals", label: "= (number)", symbol: "=" },
  { value: "not_equals", label: "≠ (number)", symbol: "≠" },
  { value: "less_than", label: "< (number)", symbol: "<" },
  { value: "less_or_equal", label: "≤ (number)", symbol: "≤" },
  { value: "greater_or_equal", label: "≥ (number)", symbol: "≥" },
  { value: "greater_than", label: "> (number)", symbol: ">" },
];
const NO_VALUE = new Set(["is_empty", "is_not_empty"]);
const isEventWait = (node: Parameters<typeof isJourneyWait>[0]) => isJourneyWait(node, "event");

type Row = { property?: string; operator?: string; value?: string };

/** Moments' "wait for an event": a named event whose properties meet conditions, or the timeout. */
export const waitForEvent: SplitElement = {
  ui: "wait_event",
  name: "Wait for an event",
  flowTypes: [...JOURNEY_FLOW_TYPES],
  create: (uuid) => journeyNode(uuid, [OCCURRED], (c) => ({ type: "event", event: "", conditions: [], category_uuid: c(OCCURRED) })),
  matches: isEventWait,
  edit: { operand: "fixed", rules: false, resultName: true },
  form: {
    fields: [
      { key: "event", label: "Event name", kind: "text", required: true, max: 128, placeholder: "purchase" },
      {
        key: "conditions",
        label: "Where",
        kind: "rows",
        max: 20,
        columns: [
          { key: "property", label: "Property" },
          { key: "operator", label: "Operator", options: OPERATORS.map(({ value, label }) => ({ value, label })) },
          { key: "value", label: "Value" },
        ],
      },
      { key: "since_entered", label: "Count events since the contact entered the flow (not only since it got here)", kind: "checkbox" },
      { key: "save", label: "Save properties as results", kind: "list", max: 20, itemMax: 64, placeholder: "amount" },
      ...timeoutFields,
    ],
    read: (node) => {
      const w = isEventWait(node) ? (node.router.wait as EventWait) : undefined;
      return { event: w?.event ?? "", conditions: w?.conditions ?? [], since_entered: w?.since_entered === true, save: w?.save ?? [], ...readTimeout(w ?? {}) };
    },
    write: (node, v, uuid) => {
      if (!isEventWait(node)) return node;
      const old = node.router.wait as EventWait;
      const conditions = ((v.conditions as Row[]) ?? []).map((r) => {
        const operator = (r.operator ?? "is") as EventCondition["operator"];
        return { property: r.property ?? "", operator, ...(NO_VALUE.has(operator) ? {} : { value: r.value ?? "" }) };
      });
      const save = ((v.save as string[]) ?? []).map((s) => s.trim()).filter(Boolean);
      const wait: EventWait = {
        ...old,
        event: typeof v.event === "string" ? v.event : "",
        conditions,
        ...(v.since_entered ? { since_entered: true } : { since_entered: undefined }),
        ...(save.length ? { save } : { save: undefined }),
      };
      for (const k of ["since_entered", "save"] as const) if (wait[k] === undefined) delete wait[k];
      const timed = writeTimeout(node, wait, v, uuid);
      return withWait(timed.node as typeof node, timed.wait);
    },
  },
  summary: (node) => {
    if (!isEventWait(node)) return "";
    const w = node.router.wait as EventWait;
    const where = w.conditions.map((c) => `${c.property} ${OPERATORS.find((o) => o.value === c.operator)?.symbol ?? c.operator}${c.value !== undefined ? ` ${c.value}` : ""}`);
    return `${text(w.event) ?? "an event"}${where.length ? ` where ${where.join(" and ")}` : ""}${timeoutText(w)}`;
  },
};
