/**
 * Deletes a table's settled rows (state other than 'pending') created before `cutoff`, at most
 * `limit` per call. Called on every operation, so it must cost nothing when there is nothing to
 * drop: rows are in arrival order (`key`, autoincrement), so when the oldest row is recent enough
 * every other one is too, and one lookup on the key answers.
 */
export function pruneSettled(sql: SqlStorage, table: "inbox" | "outbox", key: "id" | "seq", cutoff: number, limit = 500): void {
  const oldest = sql.exec<{ created_at: number }>(`SELECT created_at FROM ${table} ORDER BY ${key} LIMIT 1`).toArray()[0];
  if (!oldest || oldest.created_at >= cutoff) return;
  sql.exec(`DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE state != 'pending' AND created_at < ? ORDER BY ${key} LIMIT ?)`, cutoff, limit);
}
