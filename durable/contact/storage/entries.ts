/**
 * What flow settings and triggers need to remember about the contact: when it entered each flow
 * (entry rules), the channels it has written on (new conversations), and trigger starts decided in
 * a transaction but carried out afterwards (event and joined-group triggers).
 */

/** Entries older than this are dropped, except each flow's latest (re-entry "never" needs it). */
const KEEP_ENTRIES_MS = 400 * 24 * 3600_000;

export function entryTimes(sql: SqlStorage, flowUuid: string): number[] {
  return sql.exec<{ entered_at: number }>("SELECT entered_at FROM entries WHERE flow_uuid = ? ORDER BY entered_at DESC LIMIT 1000", flowUuid).toArray().map((r) => r.entered_at);
}

export function recordEntry(sql: SqlStorage, flowUuid: string, at: number, version: number | null): void {
  sql.exec("INSERT INTO entries (flow_uuid, entered_at, version) VALUES (?, ?, ?)", flowUuid, at, version);
  sql.exec(
    "DELETE FROM entries WHERE flow_uuid = ? AND entered_at < ? AND id != (SELECT max(id) FROM entries WHERE flow_uuid = ?)",
    flowUuid,
    at - KEEP_ENTRIES_MS,
    flowUuid,
  );
}

/** The version of the contact's latest entry into the flow at or before `at` (null: none, or entered before versions were kept). */
export function versionEnteredBy(sql: SqlStorage, flowUuid: string, at: number): number | null {
  return sql.exec<{ version: number | null }>("SELECT version FROM entries WHERE flow_uuid = ? AND entered_at <= ? ORDER BY entered_at DESC, id DESC LIMIT 1", flowUuid, at).toArray()[0]?.version ?? null;
}

/** Whether the contact has written on this channel before (a message handled, not only stored). */
export function hasConversation(sql: SqlStorage, channelUuid: string): boolean {
  return sql.exec("SELECT 1 FROM conversations WHERE channel_uuid = ?", channelUuid).toArray().length > 0;
}

export function rememberConversation(sql: SqlStorage, channelUuid: string, at: number): void {
  sql.exec("INSERT OR IGNORE INTO conversations (channel_uuid, first_at) VALUES (?, ?)", channelUuid, at);
}

export type PendingStart = {
  id: number;
  flow_uuid: string;
  /** The engine trigger part (a manual trigger with params), as JSON. */
  trigger: string;
  /** How many trigger starts led to this one (a flow adding the contact to a group...). */
  depth: number;
  attempts: number;
};

export function addPendingStart(sql: SqlStorage, flowUuid: string, trigger: unknown, depth: number): void {
  sql.exec("INSERT INTO pending_starts (flow_uuid, trigger, depth) VALUES (?, ?, ?)", flowUuid, JSON.stringify(trigger), depth);
}

export function nextPendingStart(sql: SqlStorage): PendingStart | undefined {
  return sql.exec<PendingStart>("SELECT * FROM pending_starts ORDER BY id LIMIT 1").toArray()[0];
}

export function removePendingStart(sql: SqlStorage, id: number): void {
  sql.exec("DELETE FROM pending_starts WHERE id = ?", id);
}

/** A pending start that failed unexpectedly: tried again later, dropped after a few tries. */
export function pendingStartFailed(sql: SqlStorage, id: number, maxAttempts: number): void {
  sql.exec("UPDATE pending_starts SET attempts = attempts + 1 WHERE id = ?", id);
  sql.exec("DELETE FROM pending_starts WHERE id = ? AND attempts >= ?", id, maxAttempts);
}

export function hasPendingStarts(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM pending_starts LIMIT 1").toArray().length > 0;
}
