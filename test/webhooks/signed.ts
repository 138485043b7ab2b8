// Signed webhooks for every provider, posted through the Worker as the providers post them, and the
// row counts that show whether anything was stored. Signing follows the providers' documents
// (test/channels/support.ts), never the code under test.
import { env, exports } from "cloudflare:workers";
import { hex, hmacBytes } from "../channels/support";
import { createChannel, ORIGIN, postTelegram, postTwilio, postVonage, postWhatsApp, TG, TWILIO_SID, TWILIO_TOKEN, VONAGE, WA } from "../contact/support";

export { postTelegram, postTwilio, postVonage, postWhatsApp };

export const MAILGUN_KEY = "whsec-mailgun-signing-key-0123456789";
export const GENERIC_SECRET = "generic-channel-secret-0123456789";

export const channels = {
  twilio: () => createChannel("twilio", "+15005550006", { account_sid: TWILIO_SID, auth_token: TWILIO_TOKEN }),
  whatsapp: () => createChannel("whatsapp_cloud", "+15550783881", { phone_number_id: WA.phoneId, access_token: WA.token, app_secret: WA.appSecret, verify_token: WA.verifyToken }),
  telegram: () => createChannel("telegram", "eddy_test_bot", { bot_token: TG.bot, webhook_secret: TG.secret }),
  vonage: () => createChannel("vonage", "447700900000", { api_key: VONAGE.key, api_secret: VONAGE.secret, signature_secret: VONAGE.signatureSecret }),
  email: () => createChannel("email", "hello@mg.example.org", { domain: "mg.example.org", api_key: "key-0123456789", webhook_signing_key: MAILGUN_KEY }),
  generic: () => createChannel("generic", "bridge-1", { secret: GENERIC_SECRET, send_url: "https://bridge.example.com/eddy/outbox" }),
};

/** A routed email as Mailgun forwards it (urlencoded), signed with a fresh timestamp. */
export async function postMailgun(channel: string, fields: Record<string, string>): Promise<Response> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const token = crypto.randomUUID().replace(/-/g, "");
  const signature = hex(await hmacBytes("SHA-256", MAILGUN_KEY, timestamp + token));
  return exports.default.fetch(`${ORIGIN}/channels/${channel}/receive`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ ...fields, timestamp, token, signature }).toString(),
  });
}

export async function postGeneric(channel: string, payload: unknown): Promise<Response> {
  const body = JSON.stringify(payload);
  return exports.default.fetch(`${ORIGIN}/channels/${channel}/receive`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-eddy-signature": "sha256=" + hex(await hmacBytes("SHA-256", GENERIC_SECRET, body)) },
    body,
  });
}

/** Rows in every table an inbound message writes to. */
export async function stored(): Promise<Record<string, number>> {
  const tables = ["contacts", "contact_urns", "messages"];
  const counts = await env.DB.batch(tables.map((t) => env.DB.prepare(`SELECT count(*) AS n FROM ${t}`)));
  return Object.fromEntries(tables.map((t, i) => [t, (counts[i].results[0] as { n: number }).n]));
}
