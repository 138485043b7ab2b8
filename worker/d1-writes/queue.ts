import type { WrittenBehind } from "../../durable/contact/d1-writes";
import { Budget } from "../limits/budget";
import { isQueuedStatuses, type QueuedStatuses } from "../webhooks/statuses";
import { consumeWrites } from "./consume";
import { planStatuses, settleStatuses, writeStatuses } from "./statuses";

/**
 * The invocation's share of Cloudflare's 1,000 D1 queries: every query the consumer makes is
 * counted here, so it may go nearer the limit than paths that leave room for what they do not count.
 */
const CONSUMER_BUDGET = { subrequests: 500, queries: 900 };

/**
 * A batch of the D1_WRITES queue (or of its dead-letter queue): contact objects' journal entries
 * and providers' status callbacks. The statuses ride in the last transaction of entries, after
 * them (a status that came in the same batch as its message's row finds it), or, with no entries,
 * go in one of their own: a batch costs one transaction more than its entries at most.
 */
export async function consumeD1Writes(env: Env, batch: MessageBatch): Promise<void> {
  const budget = new Budget(CONSUMER_BUDGET);
  const statuses = planStatuses(batch.messages.filter((m) => isQueuedStatuses(m.body)) as Message<QueuedStatuses>[]);
  const entries = batch.messages.filter((m) => !isQueuedStatuses(m.body)) as Message<WrittenBehind>[];
  const written = await consumeWrites(env.DB, { ...batch, messages: entries } as MessageBatch<WrittenBehind>, budget, statuses ?? undefined);
  let transactions = written.transactions;
  if (statuses) {
    if (!statuses.results) transactions += await writeStatuses(env.DB, statuses, budget);
    settleStatuses(statuses);
  }
  // The benches' figures (bench/webhook/usage.ts), as the contact objects log theirs.
  if ((env as { EDDY_USAGE_LOG?: string }).EDDY_USAGE_LOG) console.log(`eddy-usage consumeWrites ${batch.queue} reads=0 writes=${transactions} subrequests=${budget.used.subrequests}`);
}
