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

/** Returns the ids given to the events, in order. */
export function record(sql: SqlStorage, events: ContactEvent[], receivedOn: string): number[] {
  const ids = events.map(
    (e) => sql.exec<{ id: number }>("INSERT INTO events (name, properties, time, received_on) VALUES (?, ?, ?, ?) RETURNING id", e.name, JSON.stringify(e.properties), e.time, receivedOn).one().id,
  );
  sql.exec("DELETE FROM events WHERE id <= (SELECT max(id) FROM events) - ?", MAX_EVENTS);
  return ids;
}

/** Newest first. */
export function recent(sql: SqlStorage, limit: number): StoredEvent[] {
  return sql
    .exec<{ id: number; name: string; properties: string; time: string; received_on: string }>("SELECT * FROM events ORDER BY id DESC LIMIT ?", limit)
    .toArray()
    .map((r) => ({ ...r, properties: JSON.parse(r.properties) as Record<string, unknown> }));
}

/** The stored events of this name from this id on, oldest first (a wait for an event is offered them). */
export function named(sql: SqlStorage, name: string, fromId: number, limit: number): StoredEvent[] {
  return sql
    .exec<{ id: number; name: string; properties: string; time: string; received_on: string }>("SELECT * FROM events WHERE name = ? AND id >= ? ORDER BY id LIMIT ?", name, fromId, limit)
    .toArray()
    .map((r) => ({ ...r, properties: JSON.parse(r.properties) as Record<string, unknown> }));
}
