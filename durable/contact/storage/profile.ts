import type { ContactJSON } from "../../engine";

/**
 * The contact as the object last read it from D1 or changed it (goflow's shape), so a message to a
 * contact the object has seen needs no D1 read. `read_at` is when D1 was last read: the object's
 * own changes keep it; the API's edits of this one contact drop the row (`ContactSession.
 * profileChanged`); edits of many contacts at once (a group or field deleted, a group renamed)
 * reach it when it is older than PROFILE_MAX_AGE_MS.
 */
export const PROFILE_TABLE = `CREATE TABLE IF NOT EXISTS profile (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, read_at INTEGER NOT NULL)`;

export const PROFILE_MAX_AGE_MS = 60_000;

export function get(sql: SqlStorage, now: number): { contact: ContactJSON; readAt: number } | null {
  const row = sql.exec<{ json: string; read_at: number }>("SELECT json, read_at FROM profile WHERE id = 1").toArray()[0];
  if (!row || now - row.read_at > PROFILE_MAX_AGE_MS) return null;
  return { contact: JSON.parse(row.json) as ContactJSON, readAt: row.read_at };
}

export function save(sql: SqlStorage, contact: ContactJSON, readAt: number): void {
  sql.exec("INSERT INTO profile (id, json, read_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json, read_at = excluded.read_at", JSON.stringify(contact), readAt);
}

/** When the kept profile was read from D1, if there is one. */
export function readAt(sql: SqlStorage): number | null {
  return sql.exec<{ read_at: number }>("SELECT read_at FROM profile WHERE id = 1").toArray()[0]?.read_at ?? null;
}

export function drop(sql: SqlStorage): void {
  sql.exec("DELETE FROM profile");
}
