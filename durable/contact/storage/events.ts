/** The contact's recent events, newest kept: older ones are dropped past this many. */
export const MAX_EVENTS = 1000;

export interface ContactEvent {
  name: string;
  properties: Record<string, unknown>;
  time: string;
}

export interface StoredEvent extends ContactEvent {
  id: number;
  received_on: string;
}

export function record(sql: SqlStorage, events: ContactEvent[], receivedOn: string): void {
  for (const e of events) sql.exec("INSERT INTO events (name, properties, time, received_on) VALUES (?, ?, ?, ?)", e.name, JSON.stringify(e.properties), e.time, receivedOn);
  sql.exec("DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - ?", MAX_EVENTS);
}

/** Newest first. */
export function recent(sql: SqlStorage, limit: number): StoredEvent[] {
  return sql
    .exec<{ id: number; name: string; properties: string; time: string; received_on: string }>("SELECT * FROM events ORDER BY id DESC LIMIT ?", limit)
    .toArray()
    .map((r) => ({ ...r, properties: JSON.parse(r.properties) as Record<string, unknown> }));
}
