import { getMeta, setMeta } from "./schema";

/** A D1 statement as data, so it can be stored with the decision that made it and run later. */
export interface Statement {
  sql: string;
  params: (string | number | null)[];
}

export interface JournalEntry {
  id: number;
  /**
   * The entry's place in everything this object has written to D1 (1, 2, ...): D1's watermark for
   * the contact (d1_watermarks) says up to where they landed, so each lands once and in order,
   * whichever way it goes (written through, or behind through the queue).
   */
  seq: number;
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

/** The last sequence number carried out or handed to the queue; the pending entries follow it. */
const lastSeq = (sql: SqlStorage) => Number(getMeta(sql, "journal_seq") ?? 0);

export function pending(sql: SqlStorage): JournalEntry[] {
  const last = lastSeq(sql);
  return sql
    .exec<{ id: number; statements: string; attempts: number; next_attempt_at: number }>("SELECT * FROM journal ORDER BY id")
    .toArray()
    .map((r, i) => ({ id: r.id, seq: last + 1 + i, attempts: r.attempts, next_attempt_at: r.next_attempt_at, statements: JSON.parse(r.statements) as Statement[] }));
}

/** When the oldest entry (which the others wait behind) may be tried next; null when there is none. */
export function nextAttemptAt(sql: SqlStorage): number | null {
  return sql.exec<{ next_attempt_at: number }>("SELECT next_attempt_at FROM journal ORDER BY id LIMIT 1").toArray()[0]?.next_attempt_at ?? null;
}

/** Entries carried out (or handed to the queue), always the oldest pending ones: their sequence numbers are used up. */
export function done(sql: SqlStorage, entries: JournalEntry[]): void {
  if (!entries.length) return;
  for (const e of entries) sql.exec("DELETE FROM journal WHERE id = ?", e.id);
  setMeta(sql, "journal_seq", String(Math.max(lastSeq(sql), ...entries.map((e) => e.seq))));
}

export function failed(sql: SqlStorage, entry: JournalEntry, now: number): void {
  const at = now + Math.min(RETRY_BASE_MS * 2 ** entry.attempts, RETRY_MAX_MS);
  sql.exec("UPDATE journal SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?", at, entry.id);
  // Say which entry, never its parameters (message texts, URNs).
  console.error(`D1 write-through: journal entry ${entry.id} failed ${entry.attempts + 1} times, tried again at ${new Date(at).toISOString()}`);
}
