/** A D1 statement as data, so it can be stored with the decision that made it and run later. */
export interface Statement {
  sql: string;
  params: (string | number | null)[];
}

export interface JournalEntry {
  id: number;
  statements: Statement[];
  attempts: number;
  next_attempt_at: number;
}

/**
 * A failed entry is tried again after 5 s, doubling up to 10 minutes, and never given up: under
 * D1 overload rows must not go missing from the API, and hammering D1 would make it worse. (An
 * entry for a contact deleted from D1 goes with the object, which the deletion wipes.)
 */
export const RETRY_BASE_MS = 5_000;
export const RETRY_MAX_MS = 600_000;

export function append(sql: SqlStorage, statements: Statement[]): void {
  if (statements.length) sql.exec("INSERT INTO journal (statements) VALUES (?)", JSON.stringify(statements));
}

export function pending(sql: SqlStorage): JournalEntry[] {
  return sql
    .exec<{ id: number; statements: string; attempts: number; next_attempt_at: number }>("SELECT * FROM journal ORDER BY id")
    .toArray()
    .map((r) => ({ id: r.id, attempts: r.attempts, next_attempt_at: r.next_attempt_at, statements: JSON.parse(r.statements) as Statement[] }));
}

/** When the oldest entry (which the others wait behind) may be tried next; null when there is none. */
export function nextAttemptAt(sql: SqlStorage): number | null {
  return sql.exec<{ next_attempt_at: number }>("SELECT next_attempt_at FROM journal ORDER BY id LIMIT 1").toArray()[0]?.next_attempt_at ?? null;
}

export function done(sql: SqlStorage, ids: number[]): void {
  for (const id of ids) sql.exec("DELETE FROM journal WHERE id = ?", id);
}

export function failed(sql: SqlStorage, entry: JournalEntry, now: number): void {
  const at = now + Math.min(RETRY_BASE_MS * 2 ** entry.attempts, RETRY_MAX_MS);
  sql.exec("UPDATE journal SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?", at, entry.id);
  // Say which entry, never its parameters (message texts, URNs).
  console.error(`D1 write-through: journal entry ${entry.id} failed ${entry.attempts + 1} times, tried again at ${new Date(at).toISOString()}`);
}
