import { DATE_OPERATORS, NUMBER_OPERATORS, TEXT_OPERATORS, type SegmentAttributeCondition, type SegmentAudienceRouter, type SegmentCondition } from "./schema";

type Report = (path: string, message: string) => void;

const TEXT = new Set<string>(TEXT_OPERATORS);
const NUMBER = new Set<string>(NUMBER_OPERATORS);
const DATE = new Set<string>(DATE_OPERATORS);
export const RELATIVE = new Set(["will_be_in", "will_be_within", "will_be_more_than", "was_within", "was_more_than"]);
export const DATE_ATTRIBUTES = new Set(["created_on", "last_seen_on", "last_contacted_on"]);

/**
 * The rules zod cannot say for a segment audience (docs/journeys.md): its segments and default go
 * to categories of the router; each condition names one thing to compare, with an operator of the
 * right family (a date attribute takes date operators, the others text ones; a field any) and the
 * value that operator needs.
 */
export function checkSegmentAudience(router: SegmentAudienceRouter, error: Report): void {
  const categories = new Set(router.categories.map((c) => c.uuid));
  router.segments.forEach((segment, i) => {
    if (!categories.has(segment.category_uuid)) error(`router.segments[${i}].category_uuid`, `the category ${segment.category_uuid} is not on this router`);
    segment.conditions.forEach((c, j) => checkCondition(c, `router.segments[${i}].conditions[${j}]`, error));
  });
  if (!categories.has(router.default_category_uuid))
    error("router.default_category_uuid", `the default category ${router.default_category_uuid} is not on this router`);
}

function checkCondition(c: SegmentCondition, path: string, error: Report): void {
  if ("match" in c) {
    (c.conditions as SegmentCondition[]).forEach((x, i) => checkCondition(x, `${path}.conditions[${i}]`, error));
    return;
  }
  if ("query" in c || "event" in c) return;
  const a = c as SegmentAttributeCondition;
  if (!a.attribute === !a.field) {
    error(path, `a condition needs one of "attribute", "field", "event", "query" or "match"`);
    return;
  }
  const op = a.operator;
  const what = a.field ? `field "${a.field.key}"` : a.attribute!;
  if (a.attribute && DATE_ATTRIBUTES.has(a.attribute) && (TEXT.has(op) || NUMBER.has(op)))
    error(`${path}.operator`, `${what} is a date: "${op}" does not compare dates`);
  if (a.attribute && !DATE_ATTRIBUTES.has(a.attribute) && (DATE.has(op) || NUMBER.has(op)))
    error(`${path}.operator`, `${what} is text: "${op}" does not compare text`);
  const needsValue = op !== "is_empty" && op !== "is_not_empty" && op !== "was_today";
  if (needsValue !== (a.value !== undefined)) error(`${path}.value`, `"${op}" ${needsValue ? "needs" : "takes no"} value`);
  const numeric = NUMBER.has(op) || RELATIVE.has(op);
  if (numeric && a.value !== undefined && !a.value.includes("@") && !Number.isFinite(Number(a.value)))
    error(`${path}.value`, `"${op}" takes a number, "${a.value}" is not one`);
  if (a.unit !== undefined && !RELATIVE.has(op)) error(`${path}.unit`, `"${op}" takes no unit`);
}
