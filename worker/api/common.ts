import { z } from "zod";
import { isValidZone } from "../../durable/engine/excellent/dates";

/** Zod pieces several resources share. */

export const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID").toLowerCase();

// The engine's own check, so the API never stores a zone (an offset like +05:00, a mis-cased name)
// that flows, delivery windows and schedules would then refuse.
export const Timezone = z.string().refine(isValidZone, "must be an IANA time zone, like Africa/Kigali");

/** ISO 639-3, as goflow uses for contact and flow languages. */
export const Language = z.string().regex(/^[a-z]{3}$/, "must be a three-letter ISO 639-3 code, like eng");

// Names are one line of text: no NUL, no line breaks, no other control characters.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A name shown in lists (a contact's, a field's, a group's...): trimmed, one line, at most `max` characters. */
export const Name = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !CONTROL.test(s), "must not contain control characters (NUL, line breaks, tabs...)");

export const now = () => new Date().toISOString();

/** Batches for db.batch(), which wants a non-empty tuple. */
export function nonEmpty<T>(items: T[]): [T, ...T[]] {
  if (!items.length) throw new Error("nothing to batch");
  return items as [T, ...T[]];
}
