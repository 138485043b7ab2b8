import { describe, expect, it } from "vitest";
import { channelBucket, reserveSend, type BucketState } from "../../worker/channels/rate";
import { redactChannel } from "../../worker/channels/redact";
import { getProvider, providers } from "../../worker/channels/registry";
import { parseRetryAfter, scrub } from "../../worker/channels/shared/send";
import { CHANNEL_TYPES } from "../../worker/channels/types";
import { makeChannel } from "./support";

describe("registry", () => {
  it("has a provider for every channel type, of that type", () => {
    for (const t of CHANNEL_TYPES) expect(providers[t].type).toBe(t);
    expect(getProvider("twilio_whatsapp")?.type).toBe("twilio_whatsapp");
    expect(getProvider("toString")).toBeUndefined();
    expect(getProvider("carrier-pigeon")).toBeUndefined();
  });

  it("lists secret keys that exist in each provider's schema", () => {
    for (const t of CHANNEL_TYPES) for (const k of providers[t].secretKeys) expect(Object.keys(providers[t].configSchema.shape)).toContain(k);
  });
});

describe("redactChannel", () => {
  it("removes every secret, says which are set, and drops keys the schema does not know", () => {
    const ch = makeChannel("whatsapp_cloud", "+1555", { phone_number_id: "123", access_token: "EAAG-secret", app_secret: "app-secret", verify_token: "", api_version: "v21.0", stray_password: "hunter2" });
    const r = redactChannel(ch);
    expect(r.config).toEqual({ phone_number_id: "123", api_version: "v21.0" });
    expect(r.secretsSet).toEqual(["access_token", "app_secret"]);
    expect(JSON.stringify(r)).not.toMatch(/EAAG-secret|app-secret|hunter2/);
    expect(r.uuid).toBe(ch.uuid);
  });

  it("removes credentials from a proxy base URL", () => {
    expect(redactChannel(makeChannel("generic", "x", {}, { baseUrl: "https://user:pa55@proxy.example/" })).baseUrl).toBe("https://proxy.example/");
  });

  it("keeps nothing of an unknown type's config", () => {
    expect(redactChannel({ ...makeChannel("generic", "x", { secret: "s" }), type: "nope" as never }).config).toEqual({});
  });

  it("hides the secrets of every provider", () => {
    for (const t of CHANNEL_TYPES) {
      const p = providers[t];
      const config = Object.fromEntries(p.secretKeys.map((k) => [k, `SECRET-${k}`]));
      expect(JSON.stringify(redactChannel(makeChannel(t, "a", config)))).not.toContain("SECRET-");
    }
  });
});

describe("reserveSend", () => {
  const cfg = { capacity: 2, perSecond: 2 };

  it("lets a burst go at once, then spaces sends at the rate", () => {
    let state: BucketState | undefined;
    const at: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = reserveSend(state, cfg, 1_000);
      at.push(r.at);
      state = r.state;
    }
    expect(at).toEqual([1_000, 1_000, 1_500, 2_000, 2_500]);
  });

  it("refills with time, up to the capacity", () => {
    const drained = reserveSend(reserveSend(undefined, cfg, 0).state, cfg, 0).state;
    expect(reserveSend(drained, cfg, 500).at).toBe(500);
    // After a long idle the bucket holds only its capacity.
    let state = drained;
    const at: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = reserveSend(state, cfg, 60_000);
      at.push(r.at);
      state = r.state;
    }
    expect(at).toEqual([60_000, 60_000, 60_500]);
  });

  it("derives a bucket from a channel's sendsPerSecond", () => {
    expect(channelBucket(0.5, 30)).toEqual({ capacity: 1, perSecond: 0.5 });
    expect(channelBucket(80, 30)).toEqual({ capacity: 80, perSecond: 80 });
    expect(channelBucket(undefined, providers.telegram.defaultSendsPerSecond)).toEqual({ capacity: 30, perSecond: 30 });
  });
});

describe("send helpers", () => {
  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("120")).toBe(120);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toBe(30);
    expect(parseRetryAfter("soon")).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it("scrubs secrets out of error text", () => {
    expect(scrub("GET https://api.telegram.org/bot123:ABC/sendMessage failed", ["123:ABC"])).toBe("GET https://api.telegram.org/bot***/sendMessage failed");
  });
});
