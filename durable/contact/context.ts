import { Engine, realServices } from "../engine";
import { matchesQuery } from "../../worker/segments/query-matcher";
import type { BucketConfig } from "../../worker/channels/rate";
import type { Budget } from "./budget";
import type { WrittenBehind } from "./d1-writes";

/** What every part of the contact object works with during one operation. */
export interface Ctx {
  db: D1Database;
  sql: SqlStorage;
  storage: DurableObjectStorage;
  contactUuid: string;
  /** The Worker's public origin, for status callback URLs; learnt from the requests that reach the object. */
  origin: string | null;
  now(): number;
  /** What this invocation has spent and may still spend (budget.ts); `db` and `fetch` count on it. */
  budget: Budget;
  /** fetch, counted on the budget: the providers' sends. */
  fetch: typeof fetch;
  /**
   * Books `n` send slots on a channel's rate across all contacts (durable/rate/channel-rate.ts), on
   * the reply lane (answers to a contact who wrote in) or the bulk one; when absent, the rate is paced per object.
   */
  reserveSlots?(channelUuid: string, cfg: BucketConfig, n: number, lane: "reply" | "bulk"): Promise<number[]>;
  /** The D1_WRITES queue, which writes the journal behind (d1-writes.ts); absent, D1 is written through. */
  writes?: Queue<WrittenBehind>;
  /** Write this operation's D1 changes behind through the queue (a start of many contacts). */
  behind?: boolean;
}

/**
 * One engine for the isolate: it holds no state between sprints. Flow webhooks get 10 s and at most
 * 256 KiB of response (`fetchHttp`); smart groups are re-evaluated with the segments' matcher.
 */
export const engine = new Engine({ ...realServices(), matchesQuery });

export const iso = (ms: number) => new Date(ms).toISOString();
