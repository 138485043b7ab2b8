import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { twilio, twilioSignature, twilioWhatsApp } from "../../worker/channels/twilio";
import { b64, basic, fetcher, hmacBytes, makeChannel, outbound } from "./support";

const SID = "AC0123456789abcdef0123456789abcdef";
const TOKEN = "f00dfacef00dfacef00dfacef00dface";
const sms = makeChannel("twilio", "+15005550006", { account_sid: SID, auth_token: TOKEN });
const wa = makeChannel("twilio_whatsapp", "+14155238886", { account_sid: SID, auth_token: TOKEN });
const RECEIVE = "https://eddy.example.org/channels/0b5a0c3e-5b2c-4c1e-9d55-2f6a3b6f8a11/receive";
const MESSAGES = `https://api.twilio.com/2010-04-01/Accounts/${SID}/Messages.json`;

/** As Twilio documents it: the URL, then each POST parameter sorted by name, name and value appended. */
async function sign(url: string, params: Record<string, string>, token = TOKEN): Promise<string> {
  const data = url + Object.keys(params).sort().map((k) => k + params[k]).join("");
  return b64(await hmacBytes("SHA-1", token, data));
}

async function webhook(params: Record<string, string>, signature: string | null, url = RECEIVE): Promise<Request> {
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if (signature !== null) headers["x-twilio-signature"] = signature;
  return new Request(url, { method: "POST", headers, body: new URLSearchParams(params).toString() });
}

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("twilio webhooks", () => {
  it("computes Twilio's documented example signature", async () => {
    const params = new URLSearchParams({ CallSid: "CA1234567890ABCDE", Caller: "+12349013030", Digits: "1234", From: "+12349013030", To: "+18005551212" });
    expect(await twilioSignature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params)).toBe("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
  });

  it("parses a signed inbound SMS with media into a message and answers empty TwiML", async () => {
    const params = {
      ToCountry: "US",
      SmsMessageSid: "SM11111111111111111111111111111111",
      NumMedia: "1",
      SmsSid: "SM11111111111111111111111111111111",
      SmsStatus: "received",
      Body: "Yes please",
      To: "+15005550006",
      NumSegments: "1",
      MessageSid: "SM11111111111111111111111111111111",
      AccountSid: SID,
      From: "+250788123123",
      MediaUrl0: "https://api.twilio.com/2010-04-01/Accounts/AC/Messages/SM/Media/ME1",
      MediaContentType0: "image/jpeg",
      ApiVersion: "2010-04-01",
    };
    const r = await twilio.handleWebhook(await webhook(params, await sign(RECEIVE, params)), sms, RECEIVE);
    expect(r.kind).toBe("accepted");
    if (r.kind !== "accepted") return;
    expect(r.statuses).toEqual([]);
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]).toMatchObject({
      channelUuid: sms.uuid,
      urn: "tel:+250788123123",
      externalId: "SM11111111111111111111111111111111",
      text: "Yes please",
      attachments: ["image/jpeg:https://api.twilio.com/2010-04-01/Accounts/AC/Messages/SM/Media/ME1"],
    });
    expect(Number.isNaN(Date.parse(r.messages[0].receivedOn))).toBe(false);
    expect(r.response.headers.get("content-type")).toBe("text/xml");
    expect(await r.response.text()).toContain("<Response/>");
  });

  it("gives WhatsApp senders whatsapp: URNs and their profile name", async () => {
    const params = { MessageSid: "SM22222222222222222222222222222222", From: "whatsapp:+250788123123", To: "whatsapp:+14155238886", Body: "hi", NumMedia: "0", ProfileName: "Ana", WaId: "250788123123" };
    const r = await twilioWhatsApp.handleWebhook(await webhook(params, await sign(RECEIVE, params)), wa, RECEIVE);
    expect(r).toMatchObject({ kind: "accepted", messages: [{ urn: "whatsapp:250788123123", contactName: "Ana", text: "hi" }] });
  });

  it("rejects a missing, wrong, or other-URL signature with 403", async () => {
    const params = { MessageSid: "SM3", From: "+250788123123", Body: "hi" };
    expect(await twilio.handleWebhook(await webhook(params, null), sms, RECEIVE)).toMatchObject({ kind: "rejected", status: 403 });
    expect(await twilio.handleWebhook(await webhook(params, await sign(RECEIVE, params, "another-token")), sms, RECEIVE)).toMatchObject({ kind: "rejected", status: 403 });
    const signedElsewhere = await sign("https://evil.example/receive", params);
    expect(await twilio.handleWebhook(await webhook(params, signedElsewhere), sms, RECEIVE)).toMatchObject({ kind: "rejected", status: 403 });
    // A parameter changed after signing.
    const sig = await sign(RECEIVE, params);
    expect(await twilio.handleWebhook(await webhook({ ...params, Body: "no" }, sig), sms, RECEIVE)).toMatchObject({ kind: "rejected", status: 403 });
  });

  it("parses status callbacks, with the error code on failure", async () => {
    const url = RECEIVE.replace("/receive", "/status");
    const delivered = { MessageSid: "SM44", MessageStatus: "delivered", SmsStatus: "delivered", AccountSid: SID, From: "+15005550006", To: "+250788123123" };
    expect(await twilio.handleWebhook(await webhook(delivered, await sign(url, delivered), url), sms, url)).toMatchObject({
      kind: "accepted",
      messages: [],
      statuses: [{ externalId: "SM44", status: "delivered" }],
    });
    const failed = { MessageSid: "SM45", MessageStatus: "undelivered", ErrorCode: "30003" };
    const r = await twilio.handleWebhook(await webhook(failed, await sign(url, failed), url), sms, url);
    expect(r).toMatchObject({ kind: "accepted", statuses: [{ externalId: "SM45", status: "failed", error: "Twilio error 30003" }] });
    const queued = { MessageSid: "SM46", MessageStatus: "queued" };
    expect(await twilio.handleWebhook(await webhook(queued, await sign(url, queued), url), sms, url)).toMatchObject({ statuses: [{ status: "wired" }] });
  });

  it("answers a signed but incomplete message with 400", async () => {
    const params = { Body: "no sid, no sender" };
    expect(await twilio.handleWebhook(await webhook(params, await sign(RECEIVE, params)), sms, RECEIVE)).toMatchObject({ kind: "invalid", status: 400 });
  });
});

describe("twilio sends", () => {
  it("posts the form to Messages.json with Basic auth and returns the sid", async () => {
    let seen: URLSearchParams | undefined;
    server.use(
      http.post(MESSAGES, async ({ request }) => {
        expect(request.headers.get("authorization")).toBe(basic(SID, TOKEN));
        expect(request.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
        seen = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
        return HttpResponse.json({ sid: "SM99999999999999999999999999999999", status: "queued" }, { status: 201 });
      }),
    );
    const r = await twilio.send(
      outbound("tel:+250788123123", "What is your name?", { attachments: ["image/png:https://cdn.example/a.png"], quickReplies: ["Ana", "Bo"], statusUrl: "https://eddy.example.org/channels/x/status" }),
      sms,
      fetcher,
    );
    expect(r).toEqual({ ok: true, externalId: "SM99999999999999999999999999999999" });
    expect(seen?.get("To")).toBe("+250788123123");
    expect(seen?.get("From")).toBe("+15005550006");
    expect(seen?.get("Body")).toBe("What is your name?\n\nAna\nBo");
    expect(seen?.getAll("MediaUrl")).toEqual(["https://cdn.example/a.png"]);
    expect(seen?.get("StatusCallback")).toBe("https://eddy.example.org/channels/x/status");
  });

  it("addresses WhatsApp with whatsapp: prefixes, and uses a messaging service when configured", async () => {
    const seen: URLSearchParams[] = [];
    server.use(http.post(MESSAGES, async ({ request }) => (seen.push(new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()))), HttpResponse.json({ sid: "SM1" }, { status: 201 }))));
    await twilioWhatsApp.send(outbound("whatsapp:250788123123", "hi"), wa, fetcher);
    expect(seen[0].get("To")).toBe("whatsapp:+250788123123");
    expect(seen[0].get("From")).toBe("whatsapp:+14155238886");
    const svc = makeChannel("twilio", "+15005550006", { account_sid: SID, auth_token: TOKEN, messaging_service_sid: "MG0123456789abcdef0123456789abcdef" });
    await twilio.send(outbound("tel:+250788123123", "hi"), svc, fetcher);
    expect(seen[1].get("MessagingServiceSid")).toBe("MG0123456789abcdef0123456789abcdef");
    expect(seen[1].has("From")).toBe(false);
  });

  it("classifies 429 (with Retry-After) and 500 as retryable, 400 as final, and never leaks the token", async () => {
    server.use(http.post(MESSAGES, () => HttpResponse.json({ code: 20429, message: "Too Many Requests" }, { status: 429, headers: { "retry-after": "7" } })));
    expect(await twilio.send(outbound("tel:+250788123123", "x"), sms, fetcher)).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 7 });
    server.use(http.post(MESSAGES, () => new HttpResponse("oops", { status: 500 })));
    expect(await twilio.send(outbound("tel:+250788123123", "x"), sms, fetcher)).toMatchObject({ ok: false, retryable: true });
    server.use(http.post(MESSAGES, () => HttpResponse.json({ code: 21211, message: `Invalid 'To' Phone Number (auth ${TOKEN})`, status: 400 }, { status: 400 })));
    const r = await twilio.send(outbound("tel:+250788123123", "x"), sms, fetcher);
    expect(r).toMatchObject({ ok: false, retryable: false });
    if (r.ok) return;
    expect(r.error).toContain("21211");
    expect(r.error).not.toContain(TOKEN);
    server.use(http.post(MESSAGES, () => HttpResponse.error()));
    expect(await twilio.send(outbound("tel:+250788123123", "x"), sms, fetcher)).toMatchObject({ ok: false, retryable: true });
  });

  it("honours the base URL override", async () => {
    server.use(http.post(`https://twilio-proxy.test/2010-04-01/Accounts/${SID}/Messages.json`, () => HttpResponse.json({ sid: "SMproxy" }, { status: 201 })));
    expect(await twilio.send(outbound("tel:+250788123123", "x"), { ...sms, baseUrl: "https://twilio-proxy.test/" }, fetcher)).toEqual({ ok: true, externalId: "SMproxy" });
  });

  it("refuses URNs it cannot reach without calling Twilio", async () => {
    expect(await twilio.send(outbound("telegram:123", "x"), sms, fetcher)).toMatchObject({ ok: false, retryable: false });
  });
});
