import type { StartResult } from "../contact-session";

/**
 * The starts (of many contacts at once) this contact has answered, with the answer: a start's
 * coordinator that crashed before writing an outcome down calls again, and must not start the
 * flow a second time. Kept for 30 days, far longer than a coordinator retries.
 */
const KEEP_MS = 30 * 86_400_000;

export function answered(sql: SqlStorage, startUuid: string): StartResult | null {
  const row = sql.exec<{ result: string }>("SELECT result FROM starts_seen WHERE start_uuid = ?", startUuid).toArray()[0];
  return row ? (JSON.parse(row.result) as StartResult) : null;
}

export function remember(sql: SqlStorage, startUuid: string, result: StartResult, now: number): void {
  sql.exec("DELETE FROM starts_seen WHERE at < ?", now - KEEP_MS);
  sql.exec("INSERT OR REPLACE INTO starts_seen (start_uuid, result, at) VALUES (?, ?, ?)", startUuid, JSON.stringify(result), now);
}
