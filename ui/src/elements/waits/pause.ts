import type { PauseWait } from "../../../../durable/engine/flow/schema";
import type { SplitElement } from "../types";
import { amountText, isJourneyWait, JOURNEY_FLOW_TYPES, journeyNode, text, withWait } from "./journey";

const WEEKDAYS = [
  { value: "mon", label: "Mon" },
  { value: "tue", label: "Tue" },
  { value: "wed", label: "Wed" },
  { value: "thu", label: "Thu" },
  { value: "fri", label: "Fri" },
  { value: "sat", label: "Sat" },
  { value: "sun", label: "Sun" },
];
type Weekday = NonNullable<PauseWait["weekdays"]>[number];
type Mode = "for" | "until_time" | "until";

const modeOf = (w: PauseWait): Mode => (w.until !== undefined ? "until" : w.weekdays || w.time !== undefined ? "until_time" : "for");
const isPause = (node: Parameters<typeof isJourneyWait>[0]) => isJourneyWait(node, "pause");

/** Moments' pause: for a period (then until a time of day), until a weekday and/or time, or until a date-time. */
export const pause: SplitElement = {
  ui: "wait_pause",
  name: "Pause",
  flowTypes: [...JOURNEY_FLOW_TYPES],
  create: (uuid) => journeyNode(uuid, ["Completed"], (c) => ({ type: "pause", for: { amount: 1, unit: "days" }, category_uuid: c("Completed") })),
  matches: isPause,
  edit: { operand: "fixed", rules: false, resultName: true },
  form: {
    fields: [
      {
        key: "mode",
        label: "Pause",
        kind: "select",
        options: [
          { value: "for", label: "for a period" },
          { value: "until_time", label: "until a weekday or time of day" },
          { value: "until", label: "until a date and time (expression)" },
        ],
      },
      { key: "amount", label: "For", kind: "number", min: 1, max: 100_000, when: (v) => v.mode === "for" },
      {
        key: "unit",
        label: "Unit",
        kind: "select",
        options: ["seconds", "minutes", "hours", "days"].map((u) => ({ value: u, label: u })),
        when: (v) => v.mode === "for",
      },
      { key: "then_until", label: "Then until (time of day, optional)", kind: "text", placeholder: "13:00", max: 5, when: (v) => v.mode === "for" },
      { key: "weekdays", label: "On", kind: "choices", options: WEEKDAYS, when: (v) => v.mode === "until_time" },
      { key: "time", label: "At (time of day)", kind: "text", placeholder: "08:00", max: 5, when: (v) => v.mode === "until_time" },
      { key: "until", label: "Until", kind: "text", expression: true, max: 1000, placeholder: "@fields.renewal", help: "a date-time; if it is not one, the pause ends at once", when: (v) => v.mode === "until" },
    ],
    read: (node) => {
      const w = (isPause(node) ? node.router.wait : { type: "pause", category_uuid: "" }) as PauseWait;
      return { mode: modeOf(w), amount: w.for?.amount, unit: w.for?.unit ?? "days", then_until: w.then_until ?? "", weekdays: w.weekdays ?? [], time: w.time ?? "", until: w.until ?? "" };
    },
    write: (node, v) => {
      if (!isPause(node)) return node;
      const base = { type: "pause" as const, category_uuid: node.router.wait.category_uuid };
      const mode = v.mode as Mode;
      if (mode === "until") return withWait(node, { ...base, until: typeof v.until === "string" ? v.until : "" });
      if (mode === "until_time") {
        const weekdays = (Array.isArray(v.weekdays) ? v.weekdays : []) as Weekday[];
        const time = text(v.time);
        // Neither given yet (just switched here): an empty time keeps the choice, and is flagged until filled.
        return withWait(node, { ...base, ...(weekdays.length ? { weekdays } : {}), ...(time || !weekdays.length ? { time: time ?? "" } : {}) });
      }
      const amount = v.amount === undefined ? 1 : Number(v.amount) || 0;
      const then = text(v.then_until);
      return withWait(node, { ...base, for: { amount, unit: (v.unit as NonNullable<PauseWait["for"]>["unit"]) ?? "days" }, ...(then ? { then_until: then } : {}) });
    },
  },
  summary: (node) => {
    if (!isPause(node)) return "";
    const w = node.router.wait as PauseWait;
    if (w.until !== undefined) return `Until ${w.until || "…"}`;
    if (w.for) return `For ${amountText(w.for.amount, w.for.unit)}${w.then_until ? `, then until ${w.then_until}` : ""}`;
    const days = w.weekdays?.map((d) => WEEKDAYS.find((x) => x.value === d)?.label ?? d).join(", ");
    return `Until ${[days, w.time ? `${days ? "at " : ""}${w.time}` : ""].filter(Boolean).join(" ")}`;
  },
};
