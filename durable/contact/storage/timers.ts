/** Timers: what is due when, and the session, run and step it was set for (so a stale one does nothing). */
export type TimerKind = "wait_timeout" | "wait_expiration";

export type TimerRow = {
  id: number;
  kind: TimerKind;
  due_at: number | null;
  session_uuid: string;
  run_uuid: string;
  step_uuid: string;
  node_uuid: string;
  after_outbox: string | null;
  seconds: number | null;
};

export type NewTimer = Omit<TimerRow, "id">;

export function add(sql: SqlStorage, t: NewTimer): void {
  sql.exec(
    "INSERT INTO timers (kind, due_at, session_uuid, run_uuid, step_uuid, node_uuid, after_outbox, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    t.kind,
    t.due_at,
    t.session_uuid,
    t.run_uuid,
    t.step_uuid,
    t.node_uuid,
    t.after_outbox,
    t.seconds,
  );
}

export function clearSession(sql: SqlStorage, sessionUuid: string): void {
  sql.exec("DELETE FROM timers WHERE session_uuid = ?", sessionUuid);
}

export function remove(sql: SqlStorage, id: number): void {
  sql.exec("DELETE FROM timers WHERE id = ?", id);
}

export function nextDue(sql: SqlStorage, now: number): TimerRow | undefined {
  return sql.exec<TimerRow>("SELECT * FROM timers WHERE due_at IS NOT NULL AND due_at <= ? ORDER BY due_at, id LIMIT 1", now).toArray()[0];
}

export function earliest(sql: SqlStorage): number | null {
  return sql.exec<{ t: number | null }>("SELECT min(due_at) AS t FROM timers").one().t;
}

/** A wait timeout counts from when the provider accepted the message sent before the wait. */
export function startCounting(sql: SqlStorage, outboxUuid: string, from: number): void {
  sql.exec("UPDATE timers SET due_at = ? + seconds * 1000, after_outbox = NULL WHERE after_outbox = ?", from, outboxUuid);
}

export function list(sql: SqlStorage): TimerRow[] {
  return sql.exec<TimerRow>("SELECT * FROM timers ORDER BY id").toArray();
}
