import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { generic } from "../../worker/channels/generic";
import { fetcher, hex, hmacBytes, makeChannel, outbound } from "./support";

const SECRET = "generic-channel-secret-0123456789";
const SEND_URL = "https://bridge.example.com/eddy/outbox";
const ch = makeChannel("generic", "bridge-1", { secret: SECRET, send_url: SEND_URL });
const RECEIVE = "https://eddy.example.org/channels/0b5a0c3e-5b2c-4c1e-9d55-2f6a3b6f8a11/receive";

async function signed(payload: unknown, secret = SECRET): Promise<Request> {
  const body = JSON.stringify(payload);
  return new Request(RECEIVE, { method: "POST", headers: { "content-type": "application/json", "x-eddy-signature": "sha256=" + hex(await hmacBytes("SHA-256", secret, body)) }, body });
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("generic webhooks", () => {
  it("parses a signed message", async () => {
    const r = await generic.handleWebhook(
      await signed({ from: "tel:+250788123123", text: "hello", id: "ext-1", attachments: ["image/jpeg:https://cdn.example/a.jpg"], name: "Ana", timestamp: "2026-01-02T03:04:05Z" }),
      ch,
      RECEIVE,
    );
    expect(r).toMatchObject({
      kind: "accepted",
      statuses: [],
      messages: [{ channelUuid: ch.uuid, urn: "tel:+250788123123", externalId: "ext-1", text: "hello", attachments: ["image/jpeg:https://cdn.example/a.jpg"], contactName: "Ana", receivedOn: "2026-01-02T03:04:05.000Z" }],
    });
  });

  it("gives a bare sender the configured URN scheme", async () => {
    expect(await generic.handleWebhook(await signed({ from: "user-42", text: "hi" }), ch, RECEIVE)).toMatchObject({ messages: [{ urn: "ext:user-42" }] });
  });

  it("parses statuses", async () => {
    const url = RECEIVE.replace("/receive", "/status");
    expect(await generic.handleWebhook(await signed({ id: "ext-9", status: "delivered" }), ch, url)).toMatchObject({ kind: "accepted", messages: [], statuses: [{ externalId: "ext-9", status: "delivered" }] });
    expect(await generic.handleWebhook(await signed({ id: "ext-9", status: "lost" }), ch, url)).toMatchObject({ kind: "invalid", status: 400 });
  });

  it("rejects a missing signature with 401 and a wrong one with 403", async () => {
    const body = JSON.stringify({ from: "tel:+250788123123", text: "hello" });
    expect(await generic.handleWebhook(new Request(RECEIVE, { method: "POST", body }), ch, RECEIVE)).toMatchObject({ kind: "rejected", status: 401 });
    expect(await generic.handleWebhook(await signed({ from: "tel:+1", text: "x" }, "another-secret-0123456789"), ch, RECEIVE)).toMatchObject({ kind: "rejected", status: 403 });
  });

  it("answers bad input with 400 naming the field", async () => {
    expect(await generic.handleWebhook(await signed({ text: "who am I" }), ch, RECEIVE)).toMatchObject({ kind: "invalid", status: 400, error: expect.stringContaining("from") });
  });
});

describe("generic sends", () => {
  it("posts the signed JSON to the send URL and takes the receiver's id", async () => {
    server.use(
      http.post(SEND_URL, async ({ request }) => {
        const raw = await request.text();
        expect(request.headers.get("x-eddy-signature")).toBe("sha256=" + hex(await hmacBytes("SHA-256", SECRET, raw)));
        expect(JSON.parse(raw)).toEqual({ id: "7f1d2c4e-8a3b-4e5f-9c6d-1a2b3c4d5e6f", from: "bridge-1", to: "tel:+250788123123", text: "Pick one", attachments: [], quick_replies: ["A", "B"] });
        return HttpResponse.json({ id: "their-77" });
      }),
    );
    expect(await generic.send(outbound("tel:+250788123123", "Pick one", { quickReplies: ["A", "B"] }), ch, fetcher)).toEqual({ ok: true, externalId: "their-77" });
  });

  it("falls back to Eddy's id when the receiver returns none", async () => {
    server.use(http.post(SEND_URL, () => new HttpResponse(null, { status: 204 })));
    expect(await generic.send(outbound("tel:+1", "x"), ch, fetcher)).toEqual({ ok: true, externalId: "7f1d2c4e-8a3b-4e5f-9c6d-1a2b3c4d5e6f" });
  });

  it("classifies 429, 500 and 400", async () => {
    server.use(http.post(SEND_URL, () => new HttpResponse(null, { status: 429, headers: { "retry-after": "3" } })));
    expect(await generic.send(outbound("tel:+1", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 3 });
    server.use(http.post(SEND_URL, () => new HttpResponse(null, { status: 502 })));
    expect(await generic.send(outbound("tel:+1", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: true });
    server.use(http.post(SEND_URL, () => HttpResponse.json({ error: "unknown recipient" }, { status: 400 })));
    expect(await generic.send(outbound("tel:+1", "x"), ch, fetcher)).toEqual({ ok: false, retryable: false, error: "generic 400: unknown recipient" });
  });

  it("honours the base URL override, keeping the path", async () => {
    server.use(http.post("http://localhost:9999/eddy/outbox", () => HttpResponse.json({ id: "local" })));
    expect(await generic.send(outbound("tel:+1", "x"), { ...ch, baseUrl: "http://localhost:9999" }, fetcher)).toEqual({ ok: true, externalId: "local" });
  });
});
