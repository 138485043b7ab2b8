import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { email } from "../../worker/channels/email";
import { basic, fetcher, hex, hmacBytes, makeChannel, outbound } from "./support";

const API_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0";
const SIGNING_KEY = "whsec-mailgun-signing-key-0123456789";
const ch = makeChannel("email", "hello@mg.example.org", { domain: "mg.example.org", api_key: API_KEY, webhook_signing_key: SIGNING_KEY, subject: "Hello from Eddy" }, { name: "Eddy Health" });
const URL_ = "https://eddy.example.org/channels/0b5a0c3e-5b2c-4c1e-9d55-2f6a3b6f8a11/receive";
const MESSAGES = "https://api.mailgun.net/v3/mg.example.org/messages";

/** Mailgun's documented check: hex HMAC-SHA256 of timestamp + token with the webhook signing key. */
async function signature(key = SIGNING_KEY, timestamp = String(Math.floor(Date.now() / 1000))) {
  const token = "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0";
  return { timestamp, token, signature: hex(await hmacBytes("SHA-256", key, timestamp + token)) };
}

function routed(fields: Record<string, string>, multipart = true): Request {
  if (!multipart) return new Request(URL_, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return new Request(URL_, { method: "POST", body: form });
}

const mail = {
  recipient: "hello@mg.example.org",
  sender: "Ana.Lima@example.com",
  from: "Ana Lima <ana.lima@example.com>",
  subject: "Re: Hello from Eddy",
  "body-plain": "Yes\n\nOn Mon, Eddy wrote:\n> Will you come?",
  "stripped-text": "Yes",
  "stripped-signature": "",
  "Message-Id": "<CAF2ek=abc123@mail.gmail.com>",
};

function event(sig: Awaited<ReturnType<typeof signature>>, eventData: Record<string, unknown>): Request {
  return new Request(URL_.replace("/receive", "/status"), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ signature: sig, "event-data": eventData }) });
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("mailgun inbound", () => {
  it("parses a signed routed email (multipart and urlencoded) into a mailto: message", async () => {
    for (const multipart of [true, false]) {
      const r = await email.handleWebhook(routed({ ...mail, ...(await signature()) }, multipart), ch, URL_);
      expect(r).toMatchObject({
        kind: "accepted",
        statuses: [],
        messages: [{ channelUuid: ch.uuid, urn: "mailto:ana.lima@example.com", externalId: "CAF2ek=abc123@mail.gmail.com", text: "Yes", attachments: [], contactName: "Ana Lima" }],
      });
    }
  });

  it("rejects a missing signature with 401, a wrong or stale one with 403", async () => {
    expect(await email.handleWebhook(routed(mail), ch, URL_)).toMatchObject({ kind: "rejected", status: 401 });
    expect(await email.handleWebhook(routed({ ...mail, ...(await signature("not-the-key")) }), ch, URL_)).toMatchObject({ kind: "rejected", status: 403 });
    const old = await signature(SIGNING_KEY, String(Math.floor(Date.now() / 1000) - 3600));
    expect(await email.handleWebhook(routed({ ...mail, ...old }), ch, URL_)).toMatchObject({ kind: "rejected", status: 403, reason: "signature timestamp too old" });
  });
});

describe("mailgun events", () => {
  it("parses delivered, opened and permanent/temporary failures", async () => {
    const sig = await signature();
    const msgHeaders = { headers: { "message-id": "20260102030405.1.ABCDEF@mg.example.org" } };
    expect(await email.handleWebhook(event(sig, { event: "delivered", timestamp: 1767322800.5, id: "e1", message: msgHeaders }), ch, URL_)).toMatchObject({
      kind: "accepted",
      statuses: [{ externalId: "20260102030405.1.ABCDEF@mg.example.org", status: "delivered", at: "2026-01-02T03:00:00.500Z" }],
    });
    expect(await email.handleWebhook(event(sig, { event: "opened", message: msgHeaders }), ch, URL_)).toMatchObject({ statuses: [{ status: "read" }] });
    const failed = { event: "failed", severity: "permanent", reason: "bounce", "delivery-status": { code: 550, message: "5.1.1 mailbox does not exist" }, message: msgHeaders };
    expect(await email.handleWebhook(event(sig, failed), ch, URL_)).toMatchObject({ statuses: [{ status: "failed", error: "550 5.1.1 mailbox does not exist" }] });
    expect(await email.handleWebhook(event(sig, { ...failed, severity: "temporary" }), ch, URL_)).toMatchObject({ statuses: [{ status: "errored" }] });
    expect(await email.handleWebhook(event(sig, { event: "clicked", message: msgHeaders }), ch, URL_)).toMatchObject({ kind: "accepted", statuses: [] });
  });

  it("rejects events with a bad signature", async () => {
    const bad = { ...(await signature()), signature: "0".repeat(64) };
    expect(await email.handleWebhook(event(bad, { event: "delivered", message: { headers: { "message-id": "x" } } }), ch, URL_)).toMatchObject({ kind: "rejected", status: 403 });
  });
});

describe("mailgun sends", () => {
  it("posts the form to /v3/{domain}/messages with Basic api:key and threads replies", async () => {
    let form: URLSearchParams | undefined;
    server.use(
      http.post(MESSAGES, async ({ request }) => {
        expect(request.headers.get("authorization")).toBe(basic("api", API_KEY));
        form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
        return HttpResponse.json({ id: "<20260102030405.1.ABCDEF@mg.example.org>", message: "Queued. Thank you." });
      }),
    );
    const r = await email.send(outbound("mailto:ana.lima@example.com", "See you then", { inReplyTo: "CAF2ek=abc123@mail.gmail.com", attachments: ["application/pdf:https://cdn.example/map.pdf"] }), ch, fetcher);
    expect(r).toEqual({ ok: true, externalId: "20260102030405.1.ABCDEF@mg.example.org" });
    expect(form?.get("from")).toBe("Eddy Health <hello@mg.example.org>");
    expect(form?.get("to")).toBe("ana.lima@example.com");
    expect(form?.get("subject")).toBe("Hello from Eddy");
    expect(form?.get("text")).toBe("See you then\n\nhttps://cdn.example/map.pdf");
    expect(form?.get("h:In-Reply-To")).toBe("<CAF2ek=abc123@mail.gmail.com>");
    expect(form?.get("v:eddy-message")).toBe("7f1d2c4e-8a3b-4e5f-9c6d-1a2b3c4d5e6f");
  });

  it("uses the message's own subject when it has one, else the channel's", async () => {
    const subjects: (string | null)[] = [];
    server.use(
      http.post(MESSAGES, async ({ request }) => {
        subjects.push(new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer())).get("subject"));
        return HttpResponse.json({ id: "<s@mg.example.org>" });
      }),
    );
    expect(await email.send({ ...outbound("mailto:a@b.org", "Body"), subject: "Your results" }, ch, fetcher)).toMatchObject({ ok: true });
    expect(await email.send({ ...outbound("mailto:a@b.org", "Body"), subject: "  " }, ch, fetcher)).toMatchObject({ ok: true });
    expect(await email.send(outbound("mailto:a@b.org", "Body"), ch, fetcher)).toMatchObject({ ok: true });
    const { subject: _, ...noDefault } = ch.config;
    expect(await email.send(outbound("mailto:a@b.org", "Body"), { ...ch, config: noDefault }, fetcher)).toMatchObject({ ok: true });
    expect(subjects).toEqual(["Your results", "Hello from Eddy", "Hello from Eddy", "New message"]);
  });

  it("classifies 429, 500 and 400, without the API key", async () => {
    server.use(http.post(MESSAGES, () => new HttpResponse("slow down", { status: 429, headers: { "retry-after": "Wed, 21 Oct 2099 07:28:00 GMT" } })));
    const limited = await email.send(outbound("mailto:a@b.org", "x"), ch, fetcher);
    expect(limited).toMatchObject({ ok: false, retryable: true });
    if (!limited.ok) expect(limited.retryAfterSeconds).toBeGreaterThan(0);
    server.use(http.post(MESSAGES, () => new HttpResponse(null, { status: 503 })));
    expect(await email.send(outbound("mailto:a@b.org", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: true });
    server.use(http.post(MESSAGES, () => HttpResponse.json({ message: `'to' parameter is not a valid address (${API_KEY})` }, { status: 400 })));
    const r = await email.send(outbound("mailto:a@b.org", "x"), ch, fetcher);
    expect(r).toMatchObject({ ok: false, retryable: false });
    if (!r.ok) expect(r.error).not.toContain(API_KEY);
  });

  it("honours the base URL override (EU region)", async () => {
    server.use(http.post("https://api.eu.mailgun.net/v3/mg.example.org/messages", () => HttpResponse.json({ id: "<eu@mg.example.org>" })));
    expect(await email.send(outbound("mailto:a@b.org", "x"), { ...ch, baseUrl: "https://api.eu.mailgun.net" }, fetcher)).toEqual({ ok: true, externalId: "eu@mg.example.org" });
  });
});
