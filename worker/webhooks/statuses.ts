import type { StatusUpdate } from "../channels/types";

/**
 * How far along a message is; a status callback only moves a message forward (callbacks arrive
 * out of order: "sent" after "delivered" changes nothing).
 */
const RANK = `CASE %s WHEN 'queued' THEN 0 WHEN 'errored' THEN 1 WHEN 'wired' THEN 2 WHEN 'sent' THEN 3 WHEN 'failed' THEN 4 WHEN 'delivered' THEN 5 WHEN 'read' THEN 6 ELSE 0 END`;

/** Status callbacks that found no message to change, kept on the D1_WRITES queue until its row lands. */
export interface LateStatuses {
  kind: "statuses";
  channel: string;
  statuses: StatusUpdate[];
}

export const isLateStatuses = (body: unknown): body is LateStatuses => !!body && typeof body === "object" && (body as LateStatuses).kind === "statuses";

const statement = (db: D1Database, channelUuid: string, s: StatusUpdate, now: string) =>
  db
    .prepare(
      `UPDATE messages SET status = ?1, modified_on = ?2
       WHERE channel_uuid = ?3 AND external_id = ?4 AND direction = 'out' AND ${RANK.replace("%s", "?1")} > ${RANK.replace("%s", "status")}`,
    )
    .bind(s.status, now, channelUuid, s.externalId);

/**
 * Applies provider status callbacks to outgoing messages, found by the provider's id on this
 * channel. A callback that changed nothing may have come before its message's row: a start's rows
 * are written behind (docs/contact-session.md), a second or more after the send. Those go to the
 * D1_WRITES queue, whose consumer applies them once the row is there (`applyLateStatuses`).
 */
export async function applyStatuses(db: D1Database, queue: Queue | undefined, channelUuid: string, statuses: StatusUpdate[]): Promise<void> {
  if (!statuses.length) return;
  const now = new Date().toISOString();
  const results = await db.batch(statuses.map((s) => statement(db, channelUuid, s, now)));
  const unmatched = statuses.filter((_, i) => !results[i].meta.changes);
  if (unmatched.length && queue) await queue.sendBatch([{ body: { kind: "statuses", channel: channelUuid, statuses: unmatched } satisfies LateStatuses, contentType: "json" }]);
}

/** How long a late status waits for its message's row: 8 tries, 1 s doubling, about 4 minutes; then it is for no message of Eddy's. */
const LATE_ATTEMPTS = 8;

/**
 * The queue's late statuses: those whose message now exists are applied (only forward, as above)
 * and acknowledged; the others wait, then are dropped. One read and one write transaction per batch.
 */
export async function applyLateStatuses(db: D1Database, messages: Message<LateStatuses>[]): Promise<void> {
  if (!messages.length) return;
  const keys = messages.flatMap((m) => m.body.statuses.map((s) => [m.body.channel, s.externalId] as const));
  const found = new Set<string>();
  // D1 binds at most 100 parameters: 50 (channel, id) pairs a query.
  for (let i = 0; i < keys.length; i += 50) {
    const chunk = keys.slice(i, i + 50);
    const rows = await db
      .prepare(`SELECT channel_uuid, external_id FROM messages WHERE direction = 'out' AND (channel_uuid, external_id) IN (VALUES ${chunk.map(() => "(?, ?)").join(", ")})`)
      .bind(...chunk.flat())
      .all<{ channel_uuid: string; external_id: string }>();
    for (const r of rows.results) found.add(`${r.channel_uuid} ${r.external_id}`);
  }
  const now = new Date().toISOString();
  const ready = messages.filter((m) => m.body.statuses.every((s) => found.has(`${m.body.channel} ${s.externalId}`)));
  const statements = ready.flatMap((m) => m.body.statuses.map((s) => statement(db, m.body.channel, s, now)));
  if (statements.length) await db.batch(statements);
  for (const m of messages) {
    if (ready.includes(m)) m.ack();
    else if (m.attempts >= LATE_ATTEMPTS) {
      console.error(`status callbacks for no known message on channel ${m.body.channel}, dropped after ${m.attempts} tries`);
      m.ack();
    } else m.retry({ delaySeconds: 2 ** (m.attempts - 1) });
  }
}
