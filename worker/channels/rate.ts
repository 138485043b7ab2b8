/**
 * A token bucket for per-channel send rates, pure so the caller can keep its state anywhere
 * (Durable Object storage) and schedule rather than poll.
 */
export interface BucketConfig {
  /** Sends allowed in a burst; 0 for a bucket that only paces (its first send waits 1/perSecond). */
  capacity: number;
  /** Refill rate, sends per second (a channel's sendsPerSecond). */
  perSecond: number;
}

export interface BucketState {
  /** May go negative: each reservation takes a token now, and a deficit means later slots are booked. */
  tokens: number;
  /** Epoch milliseconds of the last update. */
  updatedAt: number;
}

/**
 * Reserves one send. Returns when it may go (now, or the moment the bucket will have refilled
 * enough) and the new state to store. Reserving n sends in a row spaces them 1/perSecond apart
 * once the burst is spent.
 */
export function reserveSend(state: BucketState | undefined, cfg: BucketConfig, now: number): { at: number; state: BucketState } {
  const capacity = Math.max(0, cfg.capacity);
  const perMs = cfg.perSecond / 1000;
  if (!(perMs > 0)) throw new Error("perSecond must be positive");
  const elapsed = state ? Math.max(0, now - state.updatedAt) : 0;
  const available = state ? Math.min(capacity, state.tokens + elapsed * perMs) : capacity;
  const tokens = available - 1;
  const at = tokens >= 0 ? now : now + Math.ceil(-tokens / perMs);
  return { at, state: { tokens, updatedAt: now } };
}

/** The bucket for a channel (its sendsPerSecond, else the provider's default): a burst of one second's worth of sends, at least one. */
export function channelBucket(sendsPerSecond: number | undefined, providerDefault: number): BucketConfig {
  const perSecond = sendsPerSecond && sendsPerSecond > 0 ? sendsPerSecond : providerDefault;
  return { capacity: Math.max(1, Math.floor(perSecond)), perSecond };
}
