import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { vonage } from "../../worker/channels/vonage";
import { b64url, basic, fetcher, hmacBytes, makeChannel, outbound, sha256Hex } from "./support";

const KEY = "abcd1234";
const SECRET = "Sup3rS3cretApi";
const SIG_SECRET = "sig-secret-0123456789abcdefghij";
const ch = makeChannel("vonage", "447700900000", { api_key: KEY, api_secret: SECRET, signature_secret: SIG_SECRET });
const URL_ = "https://eddy.example.org/channels/0b5a0c3e-5b2c-4c1e-9d55-2f6a3b6f8a11/receive";
const MESSAGES = "https://api.nexmo.com/v1/messages";
const enc = new TextEncoder();

/** Vonage's signed webhook: an HS256 JWT with the body's SHA-256 as payload_hash. */
async function jwt(body: string, secret = SIG_SECRET, hashOf = body): Promise<string> {
  const header = b64url(enc.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const claims = { iat: Math.floor(Date.now() / 1000), jti: "c5ba8f24-1a14-4c10-bfdf-3fbe8ce511b5", iss: "Vonage", payload_hash: await sha256Hex(hashOf), api_key: KEY, application_id: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" };
  const payload = b64url(enc.encode(JSON.stringify(claims)));
  return `${header}.${payload}.${b64url(await hmacBytes("SHA-256", secret, `${header}.${payload}`))}`;
}

async function signed(payload: unknown, token?: string | null): Promise<Request> {
  const body = JSON.stringify(payload);
  const auth = token === undefined ? `Bearer ${await jwt(body)}` : token;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth !== null) headers.authorization = auth;
  return new Request(URL_, { method: "POST", headers, body });
}

const inboundSms = {
  channel: "sms",
  message_uuid: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab",
  to: "447700900000",
  from: "447700900001",
  timestamp: "2025-02-03T12:14:25Z",
  text: "Hello From Vonage!",
  sms: { num_messages: "1" },
  message_type: "text",
};

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("vonage webhooks", () => {
  it("parses a signed inbound SMS", async () => {
    const r = await vonage.handleWebhook(await signed(inboundSms), ch, URL_);
    expect(r).toMatchObject({
      kind: "accepted",
      statuses: [],
      messages: [{ channelUuid: ch.uuid, urn: "tel:+447700900001", externalId: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab", text: "Hello From Vonage!", attachments: [], receivedOn: "2025-02-03T12:14:25.000Z" }],
    });
  });

  it("parses WhatsApp messages with the profile name, images and button replies", async () => {
    const wa = { channel: "whatsapp", message_uuid: "m2", to: "447700900000", from: "447700900001", timestamp: "2025-02-03T12:14:25Z", profile: { name: "Jane Smith" } };
    expect(await vonage.handleWebhook(await signed({ ...wa, message_type: "image", image: { url: "https://api-eu.nexmo.com/v3/media/abc", caption: "receipt" } }), ch, URL_)).toMatchObject({
      messages: [{ urn: "whatsapp:447700900001", contactName: "Jane Smith", text: "receipt", attachments: ["image/jpeg:https://api-eu.nexmo.com/v3/media/abc"] }],
    });
    expect(await vonage.handleWebhook(await signed({ ...wa, message_type: "reply", reply: { id: "row1", title: "Tomorrow" } }), ch, URL_)).toMatchObject({ messages: [{ text: "Tomorrow" }] });
  });

  it("parses status webhooks", async () => {
    const status = { message_uuid: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab", to: "447700900001", from: "447700900000", timestamp: "2025-02-03T12:15:00Z", status: "delivered", channel: "sms", usage: { currency: "EUR", price: "0.0333" } };
    expect(await vonage.handleWebhook(await signed(status), ch, URL_)).toMatchObject({ kind: "accepted", messages: [], statuses: [{ externalId: status.message_uuid, status: "delivered", at: "2025-02-03T12:15:00Z" }] });
    const rejectedStatus = { ...status, status: "rejected", error: { type: "https://developer.vonage.com/api-errors/messages#1320", title: "1320", detail: "Message failed because the number is invalid", instance: "x" } };
    expect(await vonage.handleWebhook(await signed(rejectedStatus), ch, URL_)).toMatchObject({ statuses: [{ status: "failed", error: "1320: Message failed because the number is invalid" }] });
    expect(await vonage.handleWebhook(await signed({ ...status, status: "submitted" }), ch, URL_)).toMatchObject({ statuses: [{ status: "wired" }] });
  });

  it("rejects with 401 a missing JWT, a JWT with the wrong secret, and a body that does not match payload_hash", async () => {
    expect(await vonage.handleWebhook(await signed(inboundSms, null), ch, URL_)).toMatchObject({ kind: "rejected", status: 401 });
    const body = JSON.stringify(inboundSms);
    expect(await vonage.handleWebhook(await signed(inboundSms, `Bearer ${await jwt(body, "wrong-secret")}`), ch, URL_)).toMatchObject({ kind: "rejected", status: 401 });
    const forHash = await jwt(body, SIG_SECRET, JSON.stringify({ ...inboundSms, text: "original" }));
    expect(await vonage.handleWebhook(await signed(inboundSms, `Bearer ${forHash}`), ch, URL_)).toMatchObject({ kind: "rejected", status: 401, reason: "payload_hash does not match the body" });
    expect(await vonage.handleWebhook(await signed(inboundSms, "Bearer not.a.jwt"), ch, URL_)).toMatchObject({ kind: "rejected", status: 401 });
  });

  it("refuses an unsigned 'none' JWT", async () => {
    const body = JSON.stringify(inboundSms);
    const header = b64url(enc.encode(JSON.stringify({ alg: "none", typ: "JWT" })));
    const payload = b64url(enc.encode(JSON.stringify({ payload_hash: await sha256Hex(body) })));
    expect(await vonage.handleWebhook(await signed(inboundSms, `Bearer ${header}.${payload}.`), ch, URL_)).toMatchObject({ kind: "rejected", status: 401 });
  });
});

describe("vonage sends", () => {
  it("posts a Messages API text with Basic auth and returns the message_uuid", async () => {
    let body: any;
    server.use(
      http.post(MESSAGES, async ({ request }) => {
        expect(request.headers.get("authorization")).toBe(basic(KEY, SECRET));
        body = await request.json();
        return HttpResponse.json({ message_uuid: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab" }, { status: 202 });
      }),
    );
    expect(await vonage.send(outbound("tel:+447700900001", "Hi there", { quickReplies: ["Yes", "No"] }), ch, fetcher)).toEqual({ ok: true, externalId: "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab" });
    expect(body).toEqual({ message_type: "text", text: "Hi there\n\nYes\nNo", to: "447700900001", from: "447700900000", channel: "sms", client_ref: "7f1d2c4e-8a3b-4e5f-9c6d-1a2b3c4d5e6f" });
  });

  it("sends WhatsApp media as its own message type", async () => {
    const bodies: any[] = [];
    server.use(http.post(MESSAGES, async ({ request }) => (bodies.push(await request.json()), HttpResponse.json({ message_uuid: `u${bodies.length}` }, { status: 202 }))));
    const wa = { ...ch, config: { ...ch.config, channel: "whatsapp" } };
    expect(await vonage.send(outbound("whatsapp:447700900001", "See", { attachments: ["image/png:https://cdn.example/a.png"] }), wa, fetcher)).toEqual({ ok: true, externalId: "u2" });
    expect(bodies.map((b) => [b.message_type, b.channel, b.image?.url ?? b.text])).toEqual([
      ["image", "whatsapp", "https://cdn.example/a.png"],
      ["text", "whatsapp", "See"],
    ]);
  });

  it("classifies 429 and 500 as retryable, 422 as final, without the secret", async () => {
    server.use(http.post(MESSAGES, () => HttpResponse.json({ type: "https://developer.nexmo.com/api-errors#throttled", title: "Throttled" }, { status: 429, headers: { "retry-after": "2" } })));
    expect(await vonage.send(outbound("tel:+447700900001", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 2 });
    server.use(http.post(MESSAGES, () => new HttpResponse(null, { status: 500 })));
    expect(await vonage.send(outbound("tel:+447700900001", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: true });
    server.use(http.post(MESSAGES, () => HttpResponse.json({ title: "Invalid params", detail: `The value of 'to' is invalid (key ${KEY} secret ${SECRET})` }, { status: 422 })));
    const r = await vonage.send(outbound("tel:+447700900001", "x"), ch, fetcher);
    expect(r).toMatchObject({ ok: false, retryable: false });
    if (!r.ok) {
      expect(r.error).toContain("Invalid params");
      expect(r.error).not.toContain(SECRET);
    }
  });

  it("honours the base URL override", async () => {
    server.use(http.post("https://api-eu.vonage.test/v1/messages", () => HttpResponse.json({ message_uuid: "eu" }, { status: 202 })));
    expect(await vonage.send(outbound("tel:+447700900001", "x"), { ...ch, baseUrl: "https://api-eu.vonage.test" }, fetcher)).toEqual({ ok: true, externalId: "eu" });
  });
});
