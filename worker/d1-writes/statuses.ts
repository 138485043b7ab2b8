import type { MessageStatus } from "../channels/types";
import type { Budget } from "../limits/budget";
import type { QueuedStatuses } from "../webhooks/statuses";

/**
 * How far along a message is. A status only moves a message forward, so callbacks may land in any
 * order and any number of times: "sent" after "delivered" changes nothing, and a "delivered" or
 * "read" outranks a "failed".
 */
const ORDER: readonly string[] = ["queued", "errored", "wired", "sent", "failed", "delivered", "read"];
const rank = (status: string) => Math.max(0, ORDER.indexOf(status));
const RANK_OF_STATUS = `CASE status ${ORDER.map((s, i) => `WHEN '${s}' THEN ${i}`).join(" ")} ELSE 0 END`;

/** D1 binds at most 100 parameters a query: the channel, the status and time, and the providers' ids. */
const IDS_PER_QUERY = 96;
/** How long a status waits for its message's row: 8 tries, 1 s doubling, about 4 minutes; then it is for no message of Eddy's. */
const LATE_ATTEMPTS = 8;

type Msg = Message<QueuedStatuses>;

const chunks = <T>(list: T[], size: number): T[][] => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, i * size + size));

/**
 * The batch's status callbacks, in one D1 transaction: per channel and status, one UPDATE of every
 * message that status moves forward (a message's callbacks in the batch reduced to the furthest),
 * and the lookups that say which messages exist. A callback whose message has no row yet (a
 * start's rows are written behind, docs/contact-session.md; the provider's id is written after the
 * send) is retried until it has, 8 times over about 4 minutes, then taken for a message that is not
 * Eddy's and dropped. Nothing else is dropped: a failure retries the messages with backoff.
 * Returns the D1 write transactions made.
 */
export async function applyStatuses(db: D1Database, messages: Msg[], budget: Budget): Promise<number> {
  if (!messages.length) return 0;
  const furthest = new Map<string, Map<string, MessageStatus>>();
  for (const m of messages) {
    const ids = furthest.get(m.body.channel) ?? new Map<string, MessageStatus>();
    furthest.set(m.body.channel, ids);
    for (const s of m.body.statuses) if (!ids.has(s.externalId) || rank(s.status) > rank(ids.get(s.externalId)!)) ids.set(s.externalId, s.status);
  }

  const now = new Date().toISOString();
  const updates: D1PreparedStatement[] = [];
  const lookups: D1PreparedStatement[] = [];
  for (const [channel, ids] of furthest) {
    const byStatus = new Map<MessageStatus, string[]>();
    for (const [id, status] of ids) {
      const list = byStatus.get(status) ?? [];
      byStatus.set(status, list);
      list.push(id);
    }
    for (const [status, list] of byStatus)
      for (const chunk of chunks(list, IDS_PER_QUERY))
        updates.push(
          db
            .prepare(
              `UPDATE messages SET status = ?1, modified_on = ?2
               WHERE channel_uuid = ?3 AND direction = 'out' AND external_id IN (${chunk.map((_, i) => `?${i + 4}`).join(", ")}) AND ${RANK_OF_STATUS} < ${rank(status)}`,
            )
            .bind(status, now, channel, ...chunk),
        );
    for (const chunk of chunks([...ids.keys()], IDS_PER_QUERY))
      lookups.push(
        db.prepare(`SELECT channel_uuid, external_id FROM messages WHERE channel_uuid = ?1 AND direction = 'out' AND external_id IN (${chunk.map((_, i) => `?${i + 2}`).join(", ")})`).bind(channel, ...chunk),
      );
  }

  const queries = updates.length + lookups.length;
  if (!budget.fits({ subrequests: 1, queries })) {
    for (const m of messages) m.retry({ delaySeconds: 0 }); // the next batch
    return 0;
  }
  budget.d1(queries);
  let results: D1Result[];
  try {
    results = await db.batch([...updates, ...lookups]);
  } catch (e) {
    console.error(`status callbacks: D1 failed, ${messages.length} messages retried: ${e instanceof Error ? e.message : e}`);
    for (const m of messages) m.retry({ delaySeconds: Math.min(600, 2 ** Math.min(m.attempts - 1, 10)) });
    return 1;
  }

  const found = new Set<string>();
  for (const r of results.slice(updates.length)) for (const row of r.results as { channel_uuid: string; external_id: string }[]) found.add(`${row.channel_uuid} ${row.external_id}`);
  for (const m of messages) {
    if (m.body.statuses.every((s) => found.has(`${m.body.channel} ${s.externalId}`))) m.ack();
    else if (m.attempts >= LATE_ATTEMPTS) {
      console.error(`status callbacks for no known message on channel ${m.body.channel}, dropped after ${m.attempts} tries`);
      m.ack();
    } else m.retry({ delaySeconds: 2 ** (m.attempts - 1) });
  }
  return 1;
}
