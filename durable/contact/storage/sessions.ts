import type { SessionJSON } from "../../engine";

export type SessionKind = "messaging" | "background";

/** Flow uuid -> the published version the session's runs in that flow are on (they finish there). */
export type Pins = Record<string, number>;

export interface StoredSession {
  kind: SessionKind;
  session: SessionJSON;
  pins: Pins;
}

type Row = { uuid: string; kind: SessionKind; json: string; pins: string };

const parse = (r: Row): StoredSession => ({ kind: r.kind, session: JSON.parse(r.json) as SessionJSON, pins: JSON.parse(r.pins) as Pins });

/** The contact's messaging session, if one is going (waiting for a reply). */
export function messaging(sql: SqlStorage): StoredSession | undefined {
  const row = sql.exec<Row>("SELECT uuid, kind, json, pins FROM sessions WHERE kind = 'messaging' LIMIT 1").toArray()[0];
  return row && parse(row);
}

export function byUuid(sql: SqlStorage, uuid: string): StoredSession | undefined {
  const row = sql.exec<Row>("SELECT uuid, kind, json, pins FROM sessions WHERE uuid = ?", uuid).toArray()[0];
  return row && parse(row);
}

export function backgroundCount(sql: SqlStorage): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions WHERE kind = 'background'").one().n;
}

/** Keeps a session while it waits; a finished one is removed (its runs live on in D1). */
export function save(sql: SqlStorage, s: StoredSession, now: number): void {
  if (s.session.status !== "waiting" && s.session.status !== "active") {
    sql.exec("DELETE FROM sessions WHERE uuid = ?", s.session.uuid);
    return;
  }
  if (s.kind === "messaging") sql.exec("DELETE FROM sessions WHERE kind = 'messaging' AND uuid != ?", s.session.uuid);
  sql.exec(
    `INSERT INTO sessions (uuid, kind, json, pins, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (uuid) DO UPDATE SET json = excluded.json, pins = excluded.pins, updated_at = excluded.updated_at`,
    s.session.uuid,
    s.kind,
    JSON.stringify(s.session),
    JSON.stringify(s.pins),
    now,
  );
}
