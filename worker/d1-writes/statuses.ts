import type { MessageStatus } from "../channels/types";
import type { Statement } from "../../durable/contact/storage/journal";
import type { Budget } from "../limits/budget";
import type { Rider } from "./consume";
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

/** A batch's status callbacks as D1 statements: the updates, then (from `lookups` on) the lookups. */
export interface StatusPlan extends Rider {
  messages: Msg[];
  lookups: number;
}

/**
 * The batch's status callbacks, for one D1 transaction: per channel and status, one UPDATE of every
 * message that status moves forward (a message's callbacks in the batch reduced to the furthest),
 * and the lookups that say which messages exist. They ride in the transaction of the batch's
 * journal entries when there is one (after them: a status that came with its row finds it), else
 * are written on their own (`writeStatuses`).
 */
export function planStatuses(messages: Msg[]): StatusPlan | null {
  if (!messages.length) return null;
  const furthest = new Map<string, Map<string, MessageStatus>>();
  for (const m of messages) {
    const ids = furthest.get(m.body.channel) ?? new Map<string, MessageStatus>();
    furthest.set(m.body.channel, ids);
    for (const s of m.body.statuses) if (!ids.has(s.externalId) || rank(s.status) > rank(ids.get(s.externalId)!)) ids.set(s.externalId, s.status);
  }
  const now = new Date().toISOString();
  const updates: Statement[] = [];
  const lookups: Statement[] = [];
  for (const [channel, ids] of furthest) {
    const byStatus = new Map<MessageStatus, string[]>();
    for (const [id, status] of ids) {
      const list = byStatus.get(status) ?? [];
      byStatus.set(status, list);
      list.push(id);
    }
    for (const [status, list] of byStatus)
      for (const chunk of chunks(list, IDS_PER_QUERY))
        updates.push({
          sql: `UPDATE messages SET status = ?1, modified_on = ?2
                WHERE channel_uuid = ?3 AND direction = 'out' AND external_id IN (${chunk.map((_, i) => `?${i + 4}`).join(", ")}) AND ${RANK_OF_STATUS} < ${rank(status)}`,
          params: [status, now, channel, ...chunk],
        });
    for (const chunk of chunks([...ids.keys()], IDS_PER_QUERY))
      lookups.push({
        sql: `SELECT channel_uuid, external_id FROM messages WHERE channel_uuid = ?1 AND direction = 'out' AND external_id IN (${chunk.map((_, i) => `?${i + 2}`).join(", ")})`,
        params: [channel, ...chunk],
      });
  }
  return { messages, statements: [...updates, ...lookups], lookups: updates.length };
}

/** The plan in a transaction of its own (it did not ride with entries); returns the transactions made. */
export async function writeStatuses(db: D1Database, plan: StatusPlan, budget: Budget): Promise<number> {
  if (!budget.fits({ subrequests: 1, queries: plan.statements.length })) return 0; // not written: settled as retried
  budget.d1(plan.statements.length);
  try {
    plan.results = await db.batch(plan.statements.map((s) => db.prepare(s.sql).bind(...s.params)));
  } catch (e) {
    console.error(`status callbacks: D1 failed, ${plan.messages.length} messages retried: ${e instanceof Error ? e.message : e}`);
  }
  return 1;
}

/**
 * Acknowledges the callbacks whose messages exist (their statuses landed). A callback whose message
 * has no row yet (a start's rows are written behind, docs/contact-session.md; the provider's id is
 * written after the send) is retried until it has, 8 times over about 4 minutes, then taken for a
 * message that is not Eddy's and dropped. Nothing else is dropped: a plan that did not land is
 * retried with backoff.
 */
export function settleStatuses(plan: StatusPlan): void {
  if (!plan.results) {
    for (const m of plan.messages) m.retry({ delaySeconds: Math.min(600, 2 ** Math.min(m.attempts - 1, 10)) });
    return;
  }
  const found = new Set<string>();
  for (const r of plan.results.slice(plan.lookups)) for (const row of r.results as { channel_uuid: string; external_id: string }[]) found.add(`${row.channel_uuid} ${row.external_id}`);
  for (const m of plan.messages) {
    if (m.body.statuses.every((s) => found.has(`${m.body.channel} ${s.externalId}`))) m.ack();
    else if (m.attempts >= LATE_ATTEMPTS) {
      console.error(`status callbacks for no known message on channel ${m.body.channel}, dropped after ${m.attempts} tries`);
      m.ack();
    } else m.retry({ delaySeconds: 2 ** (m.attempts - 1) });
  }
}
