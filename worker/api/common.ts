import { z } from "zod";

/** Zod pieces several resources share. */

export const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID").toLowerCase();

function isTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const Timezone = z.string().refine(isTimezone, "must be an IANA time zone, like Africa/Kigali");

/** ISO 639-3, as goflow uses for contact and flow languages. */
export const Language = z.string().regex(/^[a-z]{3}$/, "must be a three-letter ISO 639-3 code, like eng");

export const now = () => new Date().toISOString();

/** Batches for db.batch(), which wants a non-empty tuple. */
export function nonEmpty<T>(items: T[]): [T, ...T[]] {
  if (!items.length) throw new Error("nothing to batch");
  return items as [T, ...T[]];
}
