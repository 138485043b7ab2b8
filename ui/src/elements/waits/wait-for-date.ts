import type { DateWait } from "../../../../durable/engine/flow/schema";
import type { SplitElement } from "../types";
import { amountText, isJourneyWait, JOURNEY_FLOW_TYPES, journeyNode, text, UNIT_OPTIONS, withWait } from "./journey";

const REACHED = "Reached";
const NO_DATE = "No Date";
const isDateWait = (node: Parameters<typeof isJourneyWait>[0]) => isJourneyWait(node, "date");

/** Moments' "wait for a date" (RapidPro's campaign event): a contact date field, before, on or after it. */
export const waitForDate: SplitElement = {
  ui: "wait_date",
  name: "Wait for a date",
  flowTypes: [...JOURNEY_FLOW_TYPES],
  create: (uuid) =>
    journeyNode(uuid, [REACHED, NO_DATE], (c) => ({
      type: "date",
      field: { key: "", name: "" },
      relative: "before",
      amount: 1,
      unit: "days",
      category_uuid: c(REACHED),
      no_date_category_uuid: c(NO_DATE),
    })),
  matches: isDateWait,
  edit: { operand: "fixed", rules: false, resultName: true },
  form: {
    fields: [
      { key: "field", label: "Date field", kind: "ref", asset: "fields", required: true },
      {
        key: "relative",
        label: "When",
        kind: "select",
        options: [
          { value: "before", label: "before the date" },
          { value: "on", label: "on the date" },
          { value: "after", label: "after the date" },
        ],
      },
      { key: "amount", label: "By", kind: "number", min: 1, max: 100_000, when: (v) => v.relative !== "on" },
      { key: "unit", label: "Unit", kind: "select", options: UNIT_OPTIONS, when: (v) => v.relative !== "on" },
      { key: "time", label: "At (time of day, optional)", kind: "text", placeholder: "09:00", max: 5, help: "without it, the field's own time of day", when: (v) => v.relative === "on" || v.unit === "days" },
      { key: "every_year", label: "Every year (an anniversary: the year is ignored)", kind: "checkbox" },
    ],
    read: (node) => {
      const w = isDateWait(node) ? (node.router.wait as DateWait) : undefined;
      return { field: w?.field, relative: w?.relative ?? "before", amount: w?.amount, unit: w?.unit ?? "days", time: w?.time ?? "", every_year: w?.every_year === true };
    },
    write: (node, v) => {
      if (!isDateWait(node)) return node;
      const old = node.router.wait as DateWait;
      const relative = v.relative as DateWait["relative"];
      const unit = (v.unit as DateWait["unit"]) ?? "days";
      // A time of day only goes with days or "on"; it is dropped when the unit becomes minutes or hours.
      const time = relative === "on" || unit === "days" ? text(v.time) : undefined;
      return withWait(node, {
        type: "date",
        field: (v.field as DateWait["field"]) ?? old.field,
        relative,
        ...(relative === "on" ? {} : { amount: v.amount === undefined ? 1 : Number(v.amount) || 0, unit }),
        ...(time ? { time } : {}),
        ...(v.every_year ? { every_year: true } : {}),
        category_uuid: old.category_uuid,
        no_date_category_uuid: old.no_date_category_uuid,
      });
    },
  },
  summary: (node) => {
    if (!isDateWait(node)) return "";
    const w = node.router.wait as DateWait;
    const field = w.field.name || w.field.key || "a date field";
    const when = w.relative === "on" ? `On ${field}` : `${amountText(w.amount ?? 0, w.unit ?? "days")} ${w.relative} ${field}`;
    return `${when}${w.time ? ` at ${w.time}` : ""}${w.every_year ? ", every year" : ""}`;
  },
};
