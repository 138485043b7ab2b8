import type { StatusUpdate } from "../channels/types";

/**
 * How far along a message is; a status callback only moves a message forward (callbacks arrive
 * out of order: "sent" after "delivered" changes nothing).
 */
const RANK = `CASE %s WHEN 'queued' THEN 0 WHEN 'errored' THEN 1 WHEN 'wired' THEN 2 WHEN 'sent' THEN 3 WHEN 'failed' THEN 4 WHEN 'delivered' THEN 5 WHEN 'read' THEN 6 ELSE 0 END`;

/** Applies provider status callbacks to outgoing messages, found by the provider's id on this channel. */
export async function applyStatuses(db: D1Database, channelUuid: string, statuses: StatusUpdate[]): Promise<void> {
  if (!statuses.length) return;
  const now = new Date().toISOString();
  await db.batch(
    statuses.map((s) =>
      db
        .prepare(
          `UPDATE messages SET status = ?1, modified_on = ?2
           WHERE channel_uuid = ?3 AND external_id = ?4 AND direction = 'out' AND ${RANK.replace("%s", "?1")} > ${RANK.replace("%s", "status")}`,
        )
        .bind(s.status, now, channelUuid, s.externalId),
    ),
  );
}
