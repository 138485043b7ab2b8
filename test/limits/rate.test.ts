import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { REPLY_SHARE } from "../../durable/rate/channel-rate";
import { channelBucket } from "../../worker/channels/rate";
import { keywordTrigger, linearFlow, phone, postTwilio, publishFlow, say, twilioChannel, twilioOutbox, twilioSms } from "../contact/support";

const { sent } = twilioOutbox();

// A channel of 10 sends a second: a burst of 10, then 10 a second across both lanes.
const cfg = channelBucket(10, 1);
const rate = () => env.CHANNEL_RATE.getByName(crypto.randomUUID());

/** The most slots in any window of `ms` milliseconds. */
function densest(slots: number[], ms: number): number {
  const s = [...slots].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe("a channel's send rate (ChannelRate)", () => {
  it("keeps the backlog it booked when the object is evicted, instead of starting again with a full bucket", async () => {
    const stub = rate();
    const booked = await stub.reserve(cfg, 100);
    const last = booked[booked.length - 1];
    expect(last - Date.now()).toBeGreaterThan(5_000); // 100 sends at 10/s: a backlog of seconds
    await evictDurableObject(stub);
    const [next] = await stub.reserve(cfg, 1);
    expect(next).toBeGreaterThanOrEqual(last);
  });

  it("books a reply ahead of a campaign's backlog, within the channel's rate", async () => {
    const stub = rate();
    const bulk = await stub.reserve(cfg, 500); // a start's page in one call: 50 s of sends
    expect(bulk).toHaveLength(500);
    expect(bulk[499] - Date.now()).toBeGreaterThan(40_000);

    const now = Date.now();
    const [reply] = await stub.reserve(cfg, 1, "reply");
    expect(reply - now).toBeLessThan(1_000);
    // Replies that keep coming get the reply share of the rate, not the back of the queue.
    const replies = await stub.reserve(cfg, 10, "reply");
    expect(replies[9] - now).toBeLessThanOrEqual(Math.ceil(10 / (cfg.perSecond * REPLY_SHARE)) * 1000 + 1000);
    // More bulk goes after the backlog.
    const [later] = await stub.reserve(cfg, 1, "bulk");
    expect(later).toBeGreaterThan(bulk[499]);

    // Together they never exceed the channel's rate (plus the one-second burst) in any 5 s window.
    const all = [...bulk, reply, ...replies, later];
    expect(densest(all, 5_000)).toBeLessThanOrEqual(5 * cfg.perSecond + cfg.capacity);
  });

  it("lets replies use the whole rate when nothing else is booked", async () => {
    const stub = rate();
    const replies = await stub.reserve(cfg, 30, "reply");
    // Borrowing the idle bulk share: 30 replies within about 3 s, not 15 s at the reply share alone.
    expect(replies[29] - Date.now()).toBeLessThan(4_000);
    expect(densest(replies, 5_000)).toBeLessThanOrEqual(5 * cfg.perSecond + cfg.capacity);
  });
});

describe("a contact's reply during a campaign", () => {
  it("goes out at once, although the channel has a minute of bulk sends booked", { timeout: 30_000 }, async () => {
    const ch = await twilioChannel(10);
    // A campaign's backlog on this channel: 600 sends at 10 a second.
    await env.CHANNEL_RATE.getByName(ch.uuid).reserve(channelBucket(10, 1), 500);
    await env.CHANNEL_RATE.getByName(ch.uuid).reserve(channelBucket(10, 1), 100);
    const flow = await publishFlow(linearFlow("Answer", "messaging", [{ actions: [say("Here is your answer")] }]));
    await keywordTrigger(flow.uuid, ch.uuid, "question");
    const from = phone();
    expect((await postTwilio(ch.uuid, twilioSms(ch, from, "question please"))).status).toBe(200);
    // The provider's answer comes once the message is handled: the reply has been sent by then.
    for (let i = 0; i < 50 && !sent.some((m) => m.to === from); i++) await new Promise((r) => setTimeout(r, 20));
    expect(sent.filter((m) => m.to === from).map((m) => m.body)).toEqual(["Here is your answer"]);
  });
});
