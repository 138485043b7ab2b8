import type { ContactJSON } from "../../engine";

/**
 * The contact as the object last read it from D1 or changed it (goflow's shape), so a message to a
 * contact the object has seen needs no D1 read. `read_at` is when D1 was last read: the object's
 * own changes and the API's edits (which reach the object first, `profile-edit.ts`) keep it. It is
 * read from D1 again only when missing (a contact the object has not seen, or an inbound URN that
 * D1 says is this contact's and the copy has not got).
 */
export const PROFILE_TABLE = `CREATE TABLE IF NOT EXISTS profile (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, read_at INTEGER NOT NULL)`;

export function get(sql: SqlStorage): { contact: ContactJSON; readAt: number } | null {
  const row = sql.exec<{ json: string; read_at: number }>("SELECT json, read_at FROM profile WHERE id = 1").toArray()[0];
  if (!row) return null;
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
