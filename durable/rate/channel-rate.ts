import { DurableObject } from "cloudflare:workers";
import { reserveSend, type BucketConfig, type BucketState } from "../../worker/channels/rate";

/**
 * Which sends a booking is for. `reply`: a message answering a contact who wrote in (they are
 * waiting for it); `bulk`: everything else (starts, broadcasts, API sends), which may book far ahead.
 */
export type Lane = "reply" | "bulk";

/** The share of the channel's rate kept for replies while bulk sends have booked ahead. */
export const REPLY_SHARE = 0.2;

/** At most this many slots in one call: a start's page (500) books its sends at once. */
const MAX_BATCH = 500;

/**
 * The two buckets a channel's rate is split into: together they never exceed it, in rate or in
 * burst. A channel whose burst is one send (under 2/s) gives it to bulk; its reply lane then only
 * paces (capacity 0), and an idle channel's reply takes bulk's free slot.
 */
function lanes(cfg: BucketConfig): Record<Lane, BucketConfig> {
  const bulkCapacity = Math.max(1, Math.floor(cfg.capacity * (1 - REPLY_SHARE)));
  return {
    bulk: { capacity: bulkCapacity, perSecond: cfg.perSecond * (1 - REPLY_SHARE) },
    reply: { capacity: Math.max(0, cfg.capacity - bulkCapacity), perSecond: cfg.perSecond * REPLY_SHARE },
  };
}

/**
 * One object per channel (`env.CHANNEL_RATE.getByName(channelUuid)`): the channel's send rate,
 * honoured across every contact. Contact objects book send slots here before sending; one object
 * serialises every booking, so slots never overlap.
 *
 * The rate is two token buckets: bulk sends get (1 - REPLY_SHARE) of it and replies the rest, so a
 * reply is never booked behind a campaign's backlog (it waits at most 1 / (REPLY_SHARE × rate)
 * behind other replies). Neither share is lost when idle: a reply takes a bulk slot when that
 * comes sooner, and bulk takes a reply token that is free right now. Both buckets (with the
 * backlog already booked, as a deficit) are stored with every booking, one write per call: an
 * evicted object (a deploy) comes back with the backlog, not a full bucket.
 */
export class ChannelRate extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly state: Partial<Record<Lane, BucketState>> = {};

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec("CREATE TABLE IF NOT EXISTS buckets (lane TEXT PRIMARY KEY, tokens REAL NOT NULL, updated_at INTEGER NOT NULL)");
    for (const r of this.sql.exec<{ lane: Lane; tokens: number; updated_at: number }>("SELECT lane, tokens, updated_at FROM buckets")) {
      this.state[r.lane] = { tokens: r.tokens, updatedAt: r.updated_at };
    }
  }

  /**
   * Books `n` sends on `lane` at the channel's rate and returns when each may go (epoch ms,
   * ascending): now while the burst lasts, then spaced at the lane's rate. A booked slot is the
   * caller's: it sends at that time without asking again.
   */
  async reserve(cfg: BucketConfig, n = 1, lane: Lane = "bulk"): Promise<number[]> {
    const count = Math.max(1, Math.min(MAX_BATCH, Math.floor(n)));
    const buckets = lanes(cfg);
    const now = Date.now();
    const slots: number[] = [];
    for (let i = 0; i < count; i++) {
      const own = reserveSend(this.state[lane], buckets[lane], now);
      const other: Lane = lane === "reply" ? "bulk" : "reply";
      const borrowed = reserveSend(this.state[other], buckets[other], now);
      // A reply takes whichever slot comes first; bulk borrows only a reply token free right now.
      const borrow = lane === "reply" ? borrowed.at < own.at : borrowed.at <= now && own.at > now;
      const [from, r] = borrow ? [other, borrowed] : [lane, own];
      this.state[from] = r.state;
      slots.push(r.at);
    }
    this.ctx.storage.transactionSync(() => {
      for (const [l, s] of Object.entries(this.state)) this.sql.exec("INSERT OR REPLACE INTO buckets (lane, tokens, updated_at) VALUES (?, ?, ?)", l, s.tokens, s.updatedAt);
    });
    return slots.sort((a, b) => a - b);
  }
}
