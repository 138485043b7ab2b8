import type { EventCondition, EventWait } from "../flow/schema";
import type { ContactEvent } from "../resumes";
import type { RunJSON, StepJSON } from "../session/types";
import { parseTime } from "../time";

/**
 * Whether an event answers the wait: its name, when it happened (since the contact reached the
 * wait, or since it entered the flow with `since_entered`), and every condition on its properties.
 */
export function eventMatches(wait: EventWait, event: ContactEvent, run: RunJSON, step: StepJSON): boolean {
  if (event.name !== wait.event) return false;
  const occurred = parseTime(event.occurred_on);
  const since = parseTime(wait.since_entered ? run.created_on : step.arrived_on);
  if (occurred === null || (since !== null && occurred < since)) return false;
  return wait.conditions.every((c) => conditionHolds(c, event.properties?.[c.property]));
}

/** One condition on a property's value (a missing property is empty text); the segment split shares it. */
export function conditionHolds(c: EventCondition, value: unknown): boolean {
  const text = value === undefined || value === null ? "" : typeof value === "string" ? value : JSON.stringify(value);
  const want = c.value ?? "";
  const fold = (s: string) => s.toLowerCase();
  switch (c.operator) {
    case "is_empty":
      return text === "";
    case "is_not_empty":
      return text !== "";
    case "is":
      return fold(text) === fold(want);
    case "is_not":
      return fold(text) !== fold(want);
    case "contains":
      return fold(text).includes(fold(want));
    case "starts_with":
      return fold(text).startsWith(fold(want));
    case "ends_with":
      return fold(text).endsWith(fold(want));
  }
  // Number operators: a property that is not a number meets none of them.
  const n = typeof value === "number" ? value : text.trim() === "" ? NaN : Number(text);
  const w = Number(want);
  if (!Number.isFinite(n)) return false;
  switch (c.operator) {
    case "equals":
      return n === w;
    case "not_equals":
      return n !== w;
    case "less_than":
      return n < w;
    case "less_or_equal":
      return n <= w;
    case "greater_or_equal":
      return n >= w;
    case "greater_than":
      return n > w;
  }
}
