import type { Router } from "./schema";
import { checkSegmentAudience } from "./validate-segments";

const NUMBER_OPERATORS = new Set(["equals", "not_equals", "less_than", "less_or_equal", "greater_or_equal", "greater_than"]);

/** How the journey checks report a problem: at a path under the node, an error. */
type Report = (path: string, message: string) => void;

/**
 * The rules zod cannot say for Eddy's journey elements (docs/journeys.md): a split's percentages
 * match its categories and add up to 100; a pause says one thing to wait for; a date wait's parts
 * fit together; the categories they exit by are on the router.
 */
export function checkJourneyRouter(router: Router, error: Report): void {
  const categories = new Set(router.categories.map((c) => c.uuid));
  if (router.type === "split_audience") {
    if (router.percentages.length !== router.categories.length)
      error("router.percentages", `${router.percentages.length} percentages for ${router.categories.length} categories: give one per category`);
    const total = router.percentages.reduce((a, b) => a + b, 0);
    if (total !== 100) error("router.percentages", `the percentages add up to ${total}, they must add up to 100`);
  }
  if (router.type === "segment_audience") checkSegmentAudience(router, error);
  const wait = router.wait;
  if (!wait || wait.type === "msg") return;
  if (!categories.has(wait.category_uuid)) error("router.wait.category_uuid", `the category ${wait.category_uuid} is not on this router`);
  if (wait.type === "pause") {
    const kinds = [wait.for ? "for" : "", wait.weekdays || wait.time ? "weekdays/time" : "", wait.until ? "until" : ""].filter(Boolean);
    if (kinds.length !== 1) error("router.wait", `a pause needs exactly one of "for", "weekdays"/"time" or "until" (it has ${kinds.length ? kinds.join(", ") : "none"})`);
    if (wait.then_until && !wait.for) error("router.wait.then_until", `"then_until" goes with "for"`);
    return;
  }
  if (wait.type === "profile_change" || wait.type === "event") {
    if (wait.type === "profile_change" && !wait.field === !wait.attribute) error("router.wait", `a wait for a profile change needs one of "field" or "attribute"`);
    if (wait.type === "event")
      wait.conditions.forEach((c, i) => {
        const needsValue = c.operator !== "is_empty" && c.operator !== "is_not_empty";
        if (needsValue !== (c.value !== undefined)) error(`router.wait.conditions[${i}].value`, `"${c.operator}" ${needsValue ? "needs" : "takes no"} value`);
        if (NUMBER_OPERATORS.has(c.operator) && c.value !== undefined && !Number.isFinite(Number(c.value)))
          error(`router.wait.conditions[${i}].value`, `"${c.operator}" compares numbers, "${c.value}" is not one`);
      });
    if (wait.timeout && !categories.has(wait.timeout.category_uuid))
      error("router.wait.timeout.category_uuid", `the timeout category ${wait.timeout.category_uuid} is not on this router`);
    return;
  }
  if (!categories.has(wait.no_date_category_uuid))
    error("router.wait.no_date_category_uuid", `the "no date" category ${wait.no_date_category_uuid} is not on this router`);
  if (wait.relative === "on" && (wait.amount !== undefined || wait.unit !== undefined))
    error("router.wait", `"on" the date takes no amount or unit`);
  if (wait.relative !== "on" && (wait.amount === undefined || wait.unit === undefined))
    error("router.wait", `"${wait.relative}" the date needs an amount and a unit`);
  if (wait.time && wait.unit !== undefined && wait.unit !== "days") error("router.wait.time", "a time of day goes with days (or on the date), not with minutes or hours");
}
