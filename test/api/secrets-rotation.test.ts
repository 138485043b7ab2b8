import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { postTwilio, twilioSms, TWILIO_SID, TWILIO_TOKEN } from "../contact/support";
import { call, unique } from "./helpers";

/**
 * Rotating EDDY_SECRETS_KEY (docs/channels.md, "Rotating the key"): the old key given as
 * EDDY_SECRETS_KEY_OLD, channels sealed under it keep working, the cron tick seals them again
 * under the new key, then the old key can go.
 */
const vars = env as unknown as { EDDY_SECRETS_KEY: string; EDDY_SECRETS_KEY_OLD?: string };
const ORIGINAL = vars.EDDY_SECRETS_KEY;
const newKey = () => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));

afterEach(() => {
  vars.EDDY_SECRETS_KEY = ORIGINAL;
  delete vars.EDDY_SECRETS_KEY_OLD;
});

async function tick() {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const sealedOf = async (uuid: string) =>
  JSON.parse((await env.DB.prepare("SELECT config FROM channels WHERE uuid = ?").bind(uuid).first<{ config: string }>())!.config).$sealed as { kid: string; data: string };

/** A new Twilio channel, and whether a webhook signed with its auth token is accepted (its secret opened). */
async function twilioChannel() {
  const address = `+1500555${String(Math.floor(Math.random() * 1e4)).padStart(4, "0")}`;
  const res = await call("POST", "/channels", { type: "twilio", name: `Twilio ${unique()}`, address, config: { account_sid: TWILIO_SID, auth_token: TWILIO_TOKEN } });
  expect(res.status).toBe(201);
  return { uuid: res.body.uuid as string, address };
}
const accepted = async (ch: { uuid: string; address: string }) => (await postTwilio(ch.uuid, twilioSms(ch, `+25078${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`, "hi"))).status;

describe("rotating EDDY_SECRETS_KEY", () => {
  it("opens values sealed under EDDY_SECRETS_KEY_OLD, seals them again under the new key by the cron tick, and needs the old key no more", async () => {
    const channels = [await twilioChannel(), await twilioChannel()];
    const before = await Promise.all(channels.map((c) => sealedOf(c.uuid)));

    // Rotation: the old key kept as EDDY_SECRETS_KEY_OLD, a new one as EDDY_SECRETS_KEY.
    vars.EDDY_SECRETS_KEY_OLD = ORIGINAL;
    vars.EDDY_SECRETS_KEY = newKey();
    for (const ch of channels) expect(await accepted(ch)).toBe(200);
    // A channel written now is sealed under the new key.
    const fresh = await twilioChannel();
    const freshKid = (await sealedOf(fresh.uuid)).kid;
    expect(freshKid).not.toBe(before[0].kid);

    await tick();
    for (const [i, ch] of channels.entries()) {
      const after = await sealedOf(ch.uuid);
      expect(after.kid).toBe(freshKid);
      expect(after.data).not.toBe(before[i].data);
    }

    // The old key gone: everything still opens. Fresh rows (not yet opened in this isolate) show it.
    delete vars.EDDY_SECRETS_KEY_OLD;
    for (const ch of [...channels, fresh]) expect(await accepted(ch)).toBe(200);
  });

  it("without the old key, values sealed under it do not open and are left as they are", async () => {
    const ch = await twilioChannel();
    const before = await sealedOf(ch.uuid);
    vars.EDDY_SECRETS_KEY = newKey();
    await tick();
    expect(await sealedOf(ch.uuid)).toEqual(before);
    // Copied onto a new channel row (no cached opening): the new key alone does not open it.
    const other = await twilioChannel();
    await env.DB.prepare("UPDATE channels SET config = (SELECT config FROM channels WHERE uuid = ?) WHERE uuid = ?").bind(ch.uuid, other.uuid).run();
    expect(await accepted(other)).toBe(500);
    await env.DB.prepare("DELETE FROM channels WHERE uuid IN (?, ?)").bind(ch.uuid, other.uuid).run();
  });
});
