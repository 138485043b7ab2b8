/**
 * Work for other contacts that a sprint decided and the alarm carries out afterwards, outside the
 * contact's queue: a broadcast (`broadcast_created`: a message to each recipient through their own
 * object) or a start of other contacts (`session_triggered`: a start for the starts coordinator).
 * Stored in the transaction that stores the sprint, so it is never lost and never made twice.
 */
export type FanoutKind = "broadcast" | "start";

export type FanoutRow = {
  id: number;
  uuid: string;
  kind: FanoutKind;
  payload: string;
  state: "pending" | "done" | "failed";
  attempts: number;
  next_attempt_at: number;
  /** Broadcasts: the last contact UUID of the audience query read so far; '' before the first page. */
  cursor: string | null;
  /** Broadcasts: 1 once the named recipients are targets; 2 once the audience query is read to its end. */
  phase: number;
  error: string | null;
  created_at: number;
};

export type TargetRow = { contact_uuid: string; attempts: number };

export interface NewFanout {
  kind: FanoutKind;
  payload: Record<string, unknown>;
}

/** Created with the contact object's other tables (schema.ts). */
export const FANOUT_TABLES = [
  `CREATE TABLE IF NOT EXISTS fanouts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    cursor TEXT,
    phase INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    created_at INTEGER NOT NULL
  )`,
  `CREATE INDEX IF NOT EXISTS fanouts_state ON fanouts (state, next_attempt_at)`,
  // One row per recipient of a broadcast, written before its object is called: state pending, sent, skipped (a do-not-contact address), failed.
  `CREATE TABLE IF NOT EXISTS fanout_targets (
    fanout_id INTEGER NOT NULL,
    contact_uuid TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    PRIMARY KEY (fanout_id, contact_uuid)
  )`,
];

/** Finished fan-outs (and their targets) are kept this long for the console and tests. */
const KEEP_DONE_MS = 24 * 3600_000;

export function add(sql: SqlStorage, f: NewFanout, now: number): string {
  const uuid = crypto.randomUUID();
  sql.exec("INSERT INTO fanouts (uuid, kind, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)", uuid, f.kind, JSON.stringify(f.payload), now, now);
  return uuid;
}

export function nextDue(sql: SqlStorage, now: number): FanoutRow | undefined {
  return sql.exec<FanoutRow>("SELECT * FROM fanouts WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1", now).toArray()[0];
}

/** When the earliest pending fan-out wants to run, if any. */
export function nextAt(sql: SqlStorage): number | null {
  return sql.exec<{ t: number | null }>("SELECT min(next_attempt_at) AS t FROM fanouts WHERE state = 'pending'").one().t;
}

export function update(sql: SqlStorage, id: number, set: Partial<Pick<FanoutRow, "state" | "attempts" | "next_attempt_at" | "cursor" | "phase" | "error">>): void {
  const keys = Object.keys(set) as (keyof typeof set)[];
  if (!keys.length) return;
  sql.exec(`UPDATE fanouts SET ${keys.map((k) => `${k} = ?`).join(", ")} WHERE id = ?`, ...keys.map((k) => set[k] ?? null), id);
}

export function addTargets(sql: SqlStorage, id: number, contacts: string[]): void {
  for (const c of contacts) sql.exec("INSERT OR IGNORE INTO fanout_targets (fanout_id, contact_uuid) VALUES (?, ?)", id, c);
}

export function pendingTargets(sql: SqlStorage, id: number, limit: number): TargetRow[] {
  return sql.exec<TargetRow>("SELECT contact_uuid, attempts FROM fanout_targets WHERE fanout_id = ? AND state = 'pending' ORDER BY contact_uuid LIMIT ?", id, limit).toArray();
}

export function settleTarget(sql: SqlStorage, id: number, contact: string, state: "pending" | "sent" | "skipped" | "failed", error: string | null): void {
  sql.exec("UPDATE fanout_targets SET state = ?, error = ?, attempts = attempts + 1 WHERE fanout_id = ? AND contact_uuid = ?", state, error, id, contact);
}

/** Every fan-out kept, with its recipients counted by state (payload as stored JSON). */
export function all(sql: SqlStorage): (FanoutRow & { targets: Record<string, number> })[] {
  return sql
    .exec<FanoutRow>("SELECT * FROM fanouts ORDER BY id")
    .toArray()
    .map((f) => {
      const targets: Record<string, number> = {};
      for (const r of sql.exec<{ state: string; n: number }>("SELECT state, count(*) AS n FROM fanout_targets WHERE fanout_id = ? GROUP BY state", f.id)) targets[r.state] = r.n;
      return { ...f, targets };
    });
}

export function prune(sql: SqlStorage, now: number): void {
  const old = sql.exec<{ id: number }>("SELECT id FROM fanouts WHERE state != 'pending' AND created_at < ?", now - KEEP_DONE_MS).toArray();
  for (const { id } of old) {
    sql.exec("DELETE FROM fanout_targets WHERE fanout_id = ?", id);
    sql.exec("DELETE FROM fanouts WHERE id = ?", id);
  }
}
