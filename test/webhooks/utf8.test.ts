// Provider webhooks whose bytes are not UTF-8, correctly signed over those very bytes: refused
// with a 400 naming the field (or the body), nothing stored. Before, they were read with U+FFFD in
// place of the bad bytes and stored so.
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { b64, hex } from "../channels/support";
import { contactByUrn, messagesOf, ORIGIN, phone, TG, telegramText, twilioSignature, twilioSms, VONAGE, vonageSms, WA, whatsappText } from "../contact/support";
import { channels, GENERIC_SECRET, MAILGUN_KEY, stored } from "./signed";

const enc = new TextEncoder();
const BAD = "\u0001BAD\u0001"; // marks where the invalid bytes go

/** The JSON of `payload` as bytes, with 0xFF 0xFE in place of the BAD marker (inside a string). */
function withBadBytes(payload: unknown): Uint8Array<ArrayBuffer> {
  const [before, after] = JSON.stringify(payload).split(JSON.stringify(BAD).slice(1, -1));
  return new Uint8Array([...enc.encode(before), 0xff, 0xfe, ...enc.encode(after)]);
}

async function hmac(hash: "SHA-1" | "SHA-256", key: string, data: Uint8Array): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, new Uint8Array(data)));
}
const b64url = (b: Uint8Array) => b64(b).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

const post = (channel: string, body: BodyInit, headers: Record<string, string>) =>
  exports.default.fetch(`${ORIGIN}/channels/${channel}/receive`, { method: "POST", headers, body });

async function refused(send: () => Promise<Response>, field: string) {
  const before = await stored();
  const res = await send();
  const body = (await res.json()) as { error: string; message: string };
  expect(res.status, body.message).toBe(400);
  expect(body.message).toBe(`${field}: is not valid UTF-8`);
  expect(await stored()).toEqual(before);
}

describe("webhook bodies that are not UTF-8", () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    for (const [name, make] of Object.entries(channels)) ids[name] = await make();
  });

  it("Twilio: a field whose percent-escapes are not UTF-8 is refused by name; a % that is no escape is kept", async () => {
    const ch = { address: "+15005550006" };
    const url = `${ORIGIN}/channels/${ids.twilio}/receive`;
    const params = twilioSms(ch, phone(), "x");
    const form = new URLSearchParams(params).toString().replace("Body=x", "Body=caf%E9");
    // Refused before its signature is checked: Twilio signs the decoded fields, which bad bytes do not have.
    await refused(() => post(ids.twilio, form, { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "ignored" }), "Body");
    const from = phone();
    const ok = { ...twilioSms(ch, from, "100% sure, caf\u00e9"), From: from };
    const res = await post(ids.twilio, new URLSearchParams(ok).toString(), { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": await twilioSignature(url, ok) });
    expect(res.status).toBe(200);
    expect((await messagesOf((await contactByUrn(`tel:${from}`))!))[0].text).toBe("100% sure, caf\u00e9");
  });

  it("WhatsApp Cloud: signed over its bytes, refused as a body", async () => {
    const bytes = withBadBytes(whatsappText("16315551234", `hi ${BAD}`));
    await refused(async () => post(ids.whatsapp, bytes, { "content-type": "application/json", "x-hub-signature-256": "sha256=" + hex(await hmac("SHA-256", WA.appSecret, bytes)) }), "body");
  });

  it("Telegram: refused as a body", async () => {
    await refused(() => post(ids.telegram, withBadBytes(telegramText(5_000_001, `hi ${BAD}`)), { "content-type": "application/json", "x-telegram-bot-api-secret-token": TG.secret }), "body");
  });

  it("Vonage: its JWT's payload_hash is over the bytes; refused as a body", async () => {
    const bytes = withBadBytes(vonageSms("447700900000", "447700900001", `hi ${BAD}`));
    const header = b64url(enc.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
    const hash = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
    const payload = b64url(enc.encode(JSON.stringify({ iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID(), iss: "Vonage", payload_hash: hash, api_key: VONAGE.key })));
    const jwt = `${header}.${payload}.${b64url(await hmac("SHA-256", VONAGE.signatureSecret, enc.encode(`${header}.${payload}`)))}`;
    await refused(() => post(ids.vonage, bytes, { "content-type": "application/json", authorization: `Bearer ${jwt}` }), "body");
  });

  it("generic: signed over its bytes, refused as a body", async () => {
    const bytes = withBadBytes({ from: "tel:+250788000111", text: `hi ${BAD}`, id: crypto.randomUUID() });
    await refused(async () => post(ids.generic, bytes, { "content-type": "application/json", "x-eddy-signature": "sha256=" + hex(await hmac("SHA-256", GENERIC_SECRET, bytes)) }), "body");
  });

  describe("Mailgun", () => {
    async function signature() {
      const timestamp = String(Math.floor(Date.now() / 1000));
      const token = crypto.randomUUID().replace(/-/g, "");
      return { timestamp, token, signature: hex(await hmac("SHA-256", MAILGUN_KEY, enc.encode(timestamp + token))) };
    }
    const sender = () => `ana.${crypto.randomUUID().slice(0, 6)}@example.com`;

    it("a urlencoded route: the field is named", async () => {
      const form = new URLSearchParams({ sender: sender(), subject: "hi", "stripped-text": "x", ...(await signature()) }).toString().replace("stripped-text=x", "stripped-text=caf%E9");
      await refused(() => post(ids.email, form, { "content-type": "application/x-www-form-urlencoded" }), "stripped-text");
    });

    /** A multipart route with these text parts (a part's value may be bytes) and one attachment of raw bytes. */
    function multipart(fields: Record<string, string | Uint8Array>, attachment: Uint8Array): Uint8Array<ArrayBuffer> {
      const parts: Uint8Array[] = [];
      for (const [name, value] of Object.entries(fields)) {
        parts.push(enc.encode(`--B0UNDARY\r\ncontent-disposition: form-data; name="${name}"\r\n\r\n`), typeof value === "string" ? enc.encode(value) : value, enc.encode("\r\n"));
      }
      parts.push(enc.encode(`--B0UNDARY\r\ncontent-disposition: form-data; name="attachment-1"; filename="photo.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`), attachment, enc.encode("\r\n--B0UNDARY--\r\n"));
      return new Uint8Array(parts.flatMap((p) => [...p]));
    }
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x80, 0xfe]);
    const headers = { "content-type": "multipart/form-data; boundary=B0UNDARY" };

    it("a multipart route: a text part that is not UTF-8 is named; an attachment's bytes are not text", async () => {
      const sig = await signature();
      const bad = new Uint8Array([...enc.encode("caf"), 0xe9]);
      await refused(() => post(ids.email, multipart({ sender: sender(), subject: "hi", "stripped-text": bad, ...sig }, jpeg), headers), "stripped-text");

      const from = sender();
      const res = await post(ids.email, multipart({ sender: from, subject: "hi", "stripped-text": "caf\u00e9 ok", "Message-Id": `<${crypto.randomUUID()}@mail.example.com>`, ...(await signature()) }, jpeg), headers);
      expect(res.status).toBe(200);
      expect((await messagesOf((await contactByUrn(`mailto:${from}`))!))[0].text).toBe("caf\u00e9 ok");
    });
  });
});
