import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { telegram } from "../../worker/channels/telegram";
import { fetcher, makeChannel, outbound } from "./support";

const BOT = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const SECRET = "s3cr3t-webhook_token";
const ch = makeChannel("telegram", "eddy_test_bot", { bot_token: BOT, webhook_secret: SECRET });
const URL_ = "https://eddy.example.org/channels/0b5a0c3e-5b2c-4c1e-9d55-2f6a3b6f8a11/receive";
const API = `https://api.telegram.org/bot${BOT}`;

function update(body: unknown, secret: string | null = SECRET): Request {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
  return new Request(URL_, { method: "POST", headers, body: JSON.stringify(body) });
}

const from = { id: 3527065, is_bot: false, first_name: "Nic", last_name: "Pottier", username: "nicpottier", language_code: "en" };
const chat = { id: 3527065, first_name: "Nic", last_name: "Pottier", username: "nicpottier", type: "private" };

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("telegram webhooks", () => {
  it("parses a text update with the secret token", async () => {
    const r = await telegram.handleWebhook(update({ update_id: 174114370, message: { message_id: 41, from, chat, date: 1454119029, text: "Hello World" } }), ch, URL_);
    expect(r).toEqual({
      kind: "accepted",
      statuses: [],
      response: expect.any(Response),
      messages: [{ channelUuid: ch.uuid, urn: "telegram:3527065", externalId: "41", text: "Hello World", attachments: [], receivedOn: "2016-01-30T01:57:09.000Z", contactName: "Nic Pottier" }],
    });
    if (r.kind === "accepted") expect(r.response.status).toBe(200);
  });

  it("parses photos (largest size), voice, locations and shared contacts", async () => {
    const photo = [
      { file_id: "small", file_unique_id: "a", width: 90, height: 67, file_size: 1000 },
      { file_id: "large", file_unique_id: "b", width: 1280, height: 960, file_size: 90000 },
      { file_id: "medium", file_unique_id: "c", width: 320, height: 240, file_size: 9000 },
    ];
    const p = await telegram.handleWebhook(update({ update_id: 2, message: { message_id: 42, from, chat, date: 1454119029, photo, caption: "my garden" } }), ch, URL_);
    expect(p).toMatchObject({ messages: [{ text: "my garden", attachments: ["image/jpeg:media:large"] }] });
    const v = await telegram.handleWebhook(update({ update_id: 3, message: { message_id: 43, from, chat, date: 1454119029, voice: { file_id: "v1", file_unique_id: "v", duration: 2, mime_type: "audio/ogg" } } }), ch, URL_);
    expect(v).toMatchObject({ messages: [{ text: "", attachments: ["audio/ogg:media:v1"] }] });
    const l = await telegram.handleWebhook(update({ update_id: 4, message: { message_id: 44, from, chat, date: 1454119029, location: { latitude: -2.9, longitude: 30.1 } } }), ch, URL_);
    expect(l).toMatchObject({ messages: [{ attachments: ["geo:-2.9,30.1"] }] });
    const c = await telegram.handleWebhook(update({ update_id: 5, message: { message_id: 45, from, chat, date: 1454119029, contact: { phone_number: "+250788123123", first_name: "Nic", user_id: 3527065 } } }), ch, URL_);
    expect(c).toMatchObject({ messages: [{ text: "+250788123123" }] });
  });

  it("acknowledges updates that are not messages without producing any", async () => {
    const r = await telegram.handleWebhook(update({ update_id: 6, edited_message: { message_id: 41, from, chat, date: 1454119029, edit_date: 1454119100, text: "edited" } }), ch, URL_);
    expect(r).toMatchObject({ kind: "accepted", messages: [], statuses: [] });
  });

  it("rejects a missing or wrong secret token with 403", async () => {
    const body = { update_id: 1, message: { message_id: 1, from, chat, date: 1, text: "x" } };
    expect(await telegram.handleWebhook(update(body, null), ch, URL_)).toMatchObject({ kind: "rejected", status: 403 });
    expect(await telegram.handleWebhook(update(body, "guess"), ch, URL_)).toMatchObject({ kind: "rejected", status: 403 });
  });

  it("answers malformed updates with 400", async () => {
    expect(await telegram.handleWebhook(update({ message: { text: "no ids" } }), ch, URL_)).toMatchObject({ kind: "invalid", status: 400 });
  });
});

describe("telegram sends", () => {
  it("sends text with a one-time reply keyboard for quick replies", async () => {
    let body: any;
    server.use(
      http.post(`${API}/sendMessage`, async ({ request }) => {
        body = await request.json();
        return HttpResponse.json({ ok: true, result: { message_id: 133, chat: { id: 3527065 }, date: 1, text: body.text } });
      }),
    );
    expect(await telegram.send(outbound("telegram:3527065", "Ready?", { quickReplies: ["Yes", "No"] }), ch, fetcher)).toEqual({ ok: true, externalId: "133" });
    expect(body).toEqual({ chat_id: "3527065", text: "Ready?", reply_markup: { keyboard: [[{ text: "Yes" }], [{ text: "No" }]], resize_keyboard: true, one_time_keyboard: true } });
  });

  it("removes the keyboard when there are no quick replies", async () => {
    let body: any;
    server.use(http.post(`${API}/sendMessage`, async ({ request }) => ((body = await request.json()), HttpResponse.json({ ok: true, result: { message_id: 1 } }))));
    await telegram.send(outbound("telegram:3527065", "Thanks"), ch, fetcher);
    expect(body.reply_markup).toEqual({ remove_keyboard: true });
  });

  it("sends attachments with sendPhoto/sendDocument, the text as the last caption", async () => {
    const calls: [string, any][] = [];
    server.use(
      http.post(`${API}/:method`, async ({ request, params }) => {
        calls.push([String(params.method), await request.json()]);
        return HttpResponse.json({ ok: true, result: { message_id: 200 + calls.length } });
      }),
    );
    const r = await telegram.send(outbound("telegram:3527065", "Your files", { attachments: ["image/jpeg:https://cdn.example/a.jpg", "application/pdf:https://cdn.example/b.pdf"] }), ch, fetcher);
    expect(r).toEqual({ ok: true, externalId: "202" });
    expect(calls).toEqual([
      ["sendPhoto", { chat_id: "3527065", photo: "https://cdn.example/a.jpg" }],
      ["sendDocument", { chat_id: "3527065", document: "https://cdn.example/b.pdf", caption: "Your files", reply_markup: { remove_keyboard: true } }],
    ]);
  });

  it("takes retry_after from a 429, retries 500, not 400/403, and never shows the token", async () => {
    server.use(http.post(`${API}/sendMessage`, () => HttpResponse.json({ ok: false, error_code: 429, description: "Too Many Requests: retry after 35", parameters: { retry_after: 35 } }, { status: 429 })));
    expect(await telegram.send(outbound("telegram:1", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 35 });
    server.use(http.post(`${API}/sendMessage`, () => HttpResponse.json({ ok: false, error_code: 500, description: "Internal Server Error" }, { status: 500 })));
    expect(await telegram.send(outbound("telegram:1", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: true });
    server.use(http.post(`${API}/sendMessage`, () => HttpResponse.json({ ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" }, { status: 403 })));
    expect(await telegram.send(outbound("telegram:1", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: false, error: "telegram 403: Forbidden: bot was blocked by the user" });
    server.use(http.post(`${API}/sendMessage`, () => HttpResponse.error()));
    const r = await telegram.send(outbound("telegram:1", "x"), ch, fetcher);
    expect(r).toMatchObject({ ok: false, retryable: true });
    if (!r.ok) expect(r.error).not.toContain(BOT);
  });

  it("honours the base URL override", async () => {
    server.use(http.post(`https://tg.proxy.test/bot${BOT}/sendMessage`, () => HttpResponse.json({ ok: true, result: { message_id: 7 } })));
    expect(await telegram.send(outbound("telegram:1", "x"), { ...ch, baseUrl: "https://tg.proxy.test" }, fetcher)).toEqual({ ok: true, externalId: "7" });
  });

  it("downloads a file through getFile without handing out the token-bearing URL", async () => {
    server.use(
      http.get(`${API}/getFile`, ({ request }) => {
        expect(new URL(request.url).searchParams.get("file_id")).toBe("large");
        return HttpResponse.json({ ok: true, result: { file_id: "large", file_path: "photos/file_1.jpg" } });
      }),
      http.get(`https://api.telegram.org/file/bot${BOT}/photos/file_1.jpg`, () => new HttpResponse("JPEG")),
    );
    expect(new TextDecoder().decode(await (await telegram.fetchMedia!("large", ch, fetcher)).arrayBuffer())).toBe("JPEG");
  });
});
