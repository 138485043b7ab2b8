import type { MessageStatus, StatusUpdate } from "../channels/types";

/**
 * Provider status callbacks are written behind: the webhook hands them to the D1_WRITES queue and
 * answers the provider once the queue has them (a queue keeps what it accepted), and the queue's
 * consumer applies a whole batch of callbacks, across messages and channels, in one D1 transaction
 * (worker/d1-writes/statuses.ts). Two callbacks per message (`sent`, `delivered`) written one
 * transaction each were the largest share of D1's writes in a start (docs/scale.md).
 */
export interface QueuedStatuses {
  kind: "statuses";
  channel: string;
  /** Only what D1 stores of a callback: the provider's id for the message and the status. */
  statuses: { externalId: string; status: MessageStatus }[];
}

export const isQueuedStatuses = (body: unknown): body is QueuedStatuses => !!body && typeof body === "object" && (body as QueuedStatuses).kind === "statuses";

/** At most 100 statuses to a message keeps a consumer's batch (100 messages) within its D1 budget. */
const MAX_MESSAGE_STATUSES = 100;
/** Cloudflare takes a queue message of at most 128 KB and a sendBatch of at most 256 KB and 100 messages. */
const MAX_MESSAGE_BYTES = 120_000;
const MAX_SEND_BYTES = 240_000;
const MAX_SEND_MESSAGES = 100;
/** The message's envelope (kind, channel, JSON punctuation), counted generously. */
const ENVELOPE_BYTES = 200;

const utf8 = new TextEncoder();

/**
 * Hands a webhook's status callbacks to the queue; resolves, with the number of sends it made,
 * once the queue has accepted all of them (else throws, and the provider retries).
 */
export async function queueStatuses(queue: Queue, channel: string, statuses: StatusUpdate[]): Promise<number> {
  let sends = 0;
  const messages: { body: QueuedStatuses; bytes: number }[] = [];
  for (const s of statuses) {
    const status = { externalId: s.externalId, status: s.status };
    const bytes = utf8.encode(JSON.stringify(status)).length + 1;
    const last = messages.at(-1);
    if (last && last.body.statuses.length < MAX_MESSAGE_STATUSES && last.bytes + bytes <= MAX_MESSAGE_BYTES) {
      last.body.statuses.push(status);
      last.bytes += bytes;
    } else messages.push({ body: { kind: "statuses", channel, statuses: [status] }, bytes: ENVELOPE_BYTES + bytes });
  }
  for (let i = 0; i < messages.length; ) {
    let bytes = 0;
    const send: QueuedStatuses[] = [];
    while (i < messages.length && send.length < MAX_SEND_MESSAGES && bytes + messages[i].bytes <= MAX_SEND_BYTES) {
      bytes += messages[i].bytes;
      send.push(messages[i++].body);
    }
    await queue.sendBatch(send.map((body) => ({ body, contentType: "json" as const })));
    sends++;
  }
  return sends;
}
