/** A D1 statement as data, so it can be stored with the decision that made it and run later. */
export interface Statement {
  sql: string;
  params: (string | number | null)[];
}

export interface JournalEntry {
  id: number;
  statements: Statement[];
  attempts: number;
}

/** An entry that keeps failing (e.g. the contact was deleted from D1) is given up after this many tries. */
export const MAX_JOURNAL_ATTEMPTS = 10;

export function append(sql: SqlStorage, statements: Statement[]): void {
  if (statements.length) sql.exec("INSERT INTO journal (statements) VALUES (?)", JSON.stringify(statements));
}

export function pending(sql: SqlStorage): JournalEntry[] {
  return sql
    .exec<{ id: number; statements: string; attempts: number }>("SELECT * FROM journal ORDER BY id")
    .toArray()
    .map((r) => ({ id: r.id, attempts: r.attempts, statements: JSON.parse(r.statements) as Statement[] }));
}

export function hasPending(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM journal LIMIT 1").toArray().length > 0;
}

export function done(sql: SqlStorage, ids: number[]): void {
  for (const id of ids) sql.exec("DELETE FROM journal WHERE id = ?", id);
}

export function failed(sql: SqlStorage, ids: number[]): void {
  for (const id of ids) sql.exec("UPDATE journal SET attempts = attempts + 1 WHERE id = ?", id);
  // Given up: say which entries, never their parameters (message texts, URNs).
  const dropped = sql.exec<{ id: number }>("DELETE FROM journal WHERE attempts >= ? RETURNING id", MAX_JOURNAL_ATTEMPTS).toArray();
  if (dropped.length > 0) console.error(`D1 write-through given up after ${MAX_JOURNAL_ATTEMPTS} attempts: journal entries ${dropped.map((r) => r.id).join(", ")}`);
}
