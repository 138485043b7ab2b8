import { chunkRows } from "../db";
import { namedContacts } from "./audience";
import type { Audience, StartOptions } from "./spec";

export type NewStart = {
  uuid: string;
  flowUuid: string;
  audience: Audience;
  options: StartOptions;
  origin: string | null;
  scheduleUuid?: string;
  fireId?: string;
};

/**
 * The statements that record a start (pending) and the contacts its audience names, creating
 * contacts for URNs nobody has yet. A start whose uuid or fire id exists already is left as it
 * is, so a retried fire records nothing new. Run them in one batch, then `begin()`.
 */
export async function startStatements(db: D1Database, s: NewStart, at: string): Promise<D1PreparedStatement[]> {
  const named = await namedContacts(db, s.audience, at);
  return [
    db
      .prepare(
        `INSERT INTO starts (uuid, flow_uuid, audience, options, status, schedule_uuid, fire_id, origin, created_on, modified_on)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      )
      .bind(s.uuid, s.flowUuid, JSON.stringify(s.audience), JSON.stringify(s.options), s.scheduleUuid ?? null, s.fireId ?? null, s.origin, at, at),
    ...chunkRows(named, 2).map((chunk) =>
      db.prepare(`INSERT OR IGNORE INTO start_contacts (start_uuid, contact_uuid) VALUES ${chunk.map(() => "(?, ?)").join(", ")}`).bind(...chunk.flatMap((c) => [s.uuid, c])),
    ),
  ];
}

/** Hands a recorded start to its coordinator object, which runs it from there. */
export async function begin(env: Env, startUuid: string): Promise<void> {
  await env.STARTS.getByName(startUuid).begin(startUuid);
}
