import { DurableObject } from "cloudflare:workers";
import { reserveSend, type BucketConfig, type BucketState } from "../../worker/channels/rate";

/** More slots than this in one call are refused (a contact's outbox asks for the few it is about to send). */
const MAX_BATCH = 100;

/**
 * One object per channel (`env.CHANNEL_RATE.getByName(channelUuid)`): the channel's send rate,
 * honoured across every contact. Contact objects book send slots here before sending; one object
 * serialises every booking, so slots never overlap. The token bucket is kept in memory: nothing
 * is written per send, and an object that restarts begins with a full bucket (at most one extra
 * burst of one second's worth of sends). See docs/flow-settings.md.
 */
export class ChannelRate extends DurableObject<Env> {
  private state: BucketState | undefined;

  /**
   * Books `n` sends at the channel's rate and returns when each may go (epoch ms, ascending): now
   * while the burst lasts, then 1/perSecond apart. A booked slot is the caller's: it sends at that
   * time without asking again.
   */
  async reserve(cfg: BucketConfig, n = 1): Promise<number[]> {
    const count = Math.max(1, Math.min(MAX_BATCH, Math.floor(n)));
    const now = Date.now();
    const slots: number[] = [];
    for (let i = 0; i < count; i++) {
      const r = reserveSend(this.state, cfg, now);
      slots.push(r.at);
      this.state = r.state;
    }
    return slots;
  }
}
