import { and, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { invalidField } from "./errors";

/**
 * Lists are newest first and paged by an opaque cursor (the last item's creation time and uuid),
 * which stays correct while rows are added, unlike an offset.
 */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});

export const page = <T extends z.ZodType>(item: T) => z.object({ results: z.array(item), next: z.string().nullable() });

type Cursor = { t: string; u: string };

function decode(cursor: string): Cursor {
  try {
    const value = JSON.parse(atob(cursor.replace(/-/g, "+").replace(/_/g, "/")));
    if (typeof value?.t === "string" && typeof value?.u === "string") return value;
  } catch {
    // falls through to the error below
  }
  throw invalidField("cursor", "is not a cursor this API gave out");
}

const encode = (c: Cursor) => btoa(JSON.stringify(c)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** The condition for rows after the cursor, in (created desc, uuid desc) order. */
export function afterCursor(cursor: string | undefined, created: SQLiteColumn, uuid: SQLiteColumn): SQL | undefined {
  if (!cursor) return undefined;
  const c = decode(cursor);
  return or(lt(created, c.t), and(eq(created, c.t), lt(uuid, c.u)));
}

/** Rows were fetched with limit + 1, so an extra row means there is a next page. */
export function toPage<R extends { createdOn: string; uuid: string }, T>(rows: R[], limit: number, map: (row: R) => T) {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { results: items.map(map), next: rows.length > limit && last ? encode({ t: last.createdOn, u: last.uuid }) : null };
}
