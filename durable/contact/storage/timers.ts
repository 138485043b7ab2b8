/**
 * Timers: what is due when. A kind, a due time and a payload (JSON) make a timer; the session, run
 * and step columns tie a session's timer to the wait it was set for, so a stale one does nothing.
 * `due_at` NULL: not due yet (a wait timeout that starts counting when the provider accepts
 * `after_outbox`, or a journey watch that an event or a profile change makes due).
 */
export type TimerKind =
  // A reply wait's timeout and expiration (goflow's wait_timeout, wait_expiration resumes).
  | "wait_timeout"
  | "wait_expiration"
  // A journey wait's `resumes_on` (pause, date, the timeout of an event or profile-change wait).
  | "time_passed"
  // A wait for an event: due when events it may take are stored (payload: name, from_id).
  | "event_check"
  // A wait for a profile change or a date: due when the contact changes (payload: field, value).
  | "profile_check"
  // A date-relative trigger's next due time (../date-triggers.ts; payload: trigger, stamp).
  | "date_trigger";

export type TimerRow = {
  id: number;
  kind: TimerKind;
  due_at: number | null;
  session_uuid: string | null;
  run_uuid: string | null;
  step_uuid: string | null;
  node_uuid: string | null;
  after_outbox: string | null;
  seconds: number | null;
  payload: string | null;
};

/** A timer not set for a session's wait leaves the session columns empty. */
export type NewTimer = Omit<TimerRow, "id" | "payload" | "session_uuid" | "run_uuid" | "step_uuid" | "node_uuid" | "after_outbox" | "seconds"> &
  Partial<Pick<TimerRow, "session_uuid" | "run_uuid" | "step_uuid" | "node_uuid" | "after_outbox" | "seconds">> & { payload?: unknown };

export function add(sql: SqlStorage, t: NewTimer): void {
  sql.exec(
    "INSERT INTO timers (kind, due_at, session_uuid, run_uuid, step_uuid, node_uuid, after_outbox, seconds, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    t.kind,
    t.due_at,
    t.session_uuid ?? null,
    t.run_uuid ?? null,
    t.step_uuid ?? null,
    t.node_uuid ?? null,
    t.after_outbox ?? null,
    t.seconds ?? null,
    t.payload === undefined ? null : JSON.stringify(t.payload),
  );
}

export function payloadOf<T>(t: TimerRow): T {
  return (t.payload ? JSON.parse(t.payload) : {}) as T;
}

export function clearSession(sql: SqlStorage, sessionUuid: string): void {
  sql.exec("DELETE FROM timers WHERE session_uuid = ?", sessionUuid);
}

export function remove(sql: SqlStorage, id: number): void {
  sql.exec("DELETE FROM timers WHERE id = ?", id);
}

/** Sets when a timer is due (NULL: not until something makes it due) and its payload. */
export function reschedule(sql: SqlStorage, id: number, dueAt: number | null, payload?: unknown): void {
  if (payload === undefined) sql.exec("UPDATE timers SET due_at = ? WHERE id = ?", dueAt, id);
  else sql.exec("UPDATE timers SET due_at = ?, payload = ? WHERE id = ?", dueAt, JSON.stringify(payload), id);
}

export function ofKind(sql: SqlStorage, kind: TimerKind): TimerRow[] {
  return sql.exec<TimerRow>("SELECT * FROM timers WHERE kind = ? ORDER BY id", kind).toArray();
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
