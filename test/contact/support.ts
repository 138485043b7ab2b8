// Helpers for driving contacts end to end: channels, flows and triggers through the API, webhooks
// signed as each provider documents it (with crypto.subtle, never with the code under test).
import { env, exports } from "cloudflare:workers";
import { http, HttpResponse, type RequestHandler } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll } from "vitest";
import { call, ORIGIN, unique } from "../api/helpers";
import example from "./fixtures/example-flow.json";

export { call, ORIGIN, unique };

const enc = new TextEncoder();

async function hmac(hash: "SHA-1" | "SHA-256", key: string, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(data)));
}
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
const b64url = (b: Uint8Array) => b64(b).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
export const basic = (user: string, pass: string) => "Basic " + btoa(`${user}:${pass}`);

/** A random phone number in a range libphonenumber accepts (Rwanda mobile). */
export const phone = () => `+25078${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

export const EXAMPLE = example as unknown as Record<string, unknown>;
export const HOOK = "https://example.org/hooks/age";

/** The fields and groups the example flow refers to; created once per D1, whichever test comes first. */
export async function exampleAssets(): Promise<void> {
  await call("POST", "/fields", { key: "age", name: "Age", type: "number" });
  await call("POST", "/groups", { name: "Registered" });
}

export async function createChannel(type: string, address: string, config: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call("POST", "/channels", { type, name: `${type} ${unique()}`, address, config, ...extra });
  if (r.status !== 201) throw new Error(`channel: ${JSON.stringify(r.body)}`);
  return r.body.uuid;
}

/** Creates a flow from a definition (under a fresh UUID) and publishes it. */
export async function publishFlow(definition: Record<string, unknown>, settings: Record<string, unknown> = {}): Promise<{ uuid: string; name: string }> {
  const name = `${definition.name as string} ${unique()}`;
  const created = await call("POST", "/flows", { uuid: crypto.randomUUID(), name, type: definition.type, definition, ...settings });
  if (created.status !== 201) throw new Error(`flow: ${JSON.stringify(created.body)}`);
  const published = await call("POST", `/flows/${created.body.uuid}/publish`);
  if (published.status !== 201) throw new Error(`publish: ${JSON.stringify(published.body)}`);
  return { uuid: created.body.uuid, name };
}

export async function keywordTrigger(flow: string, channel: string, keyword: string): Promise<void> {
  const r = await call("POST", "/triggers", { type: "keyword", flow, channel, keywords: [keyword], match_type: "first_word" });
  if (r.status !== 201) throw new Error(`trigger: ${JSON.stringify(r.body)}`);
}

let n = 0;
const id = (prefix: string) => `${prefix}${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}${String(++n).padStart(4, "0")}`;

/** A flow of nodes in a row, each with its actions; `wait` nodes wait for any reply and go on. */
export function linearFlow(name: string, type: "messaging" | "messaging_background", nodes: { actions: Record<string, unknown>[]; wait?: boolean; loopTo?: number }[]) {
  const nodeUuids = nodes.map(() => crypto.randomUUID());
  return {
    uuid: crypto.randomUUID(),
    name,
    spec_version: "14.4.2",
    language: "eng",
    type,
    nodes: nodes.map((node, i) => {
      const exit = { uuid: crypto.randomUUID(), ...(node.loopTo !== undefined ? { destination_uuid: nodeUuids[node.loopTo] } : i + 1 < nodes.length ? { destination_uuid: nodeUuids[i + 1] } : {}) };
      const actions = node.actions.map((a) => ({ uuid: crypto.randomUUID(), ...a }));
      if (!node.wait) return { uuid: nodeUuids[i], actions, exits: [exit] };
      const category = crypto.randomUUID();
      return {
        uuid: nodeUuids[i],
        actions,
        router: { type: "switch", operand: "@input.text", result_name: "Reply", wait: { type: "msg" }, cases: [], categories: [{ uuid: category, name: "All Responses", exit_uuid: exit.uuid }], default_category_uuid: category },
        exits: [exit],
      };
    }),
  };
}

export const say = (text: string) => ({ type: "send_msg", text });

// ---- Twilio ---------------------------------------------------------------------------------

export const TWILIO_SID = "AC0123456789abcdef0123456789abcdef";
export const TWILIO_TOKEN = "f00dfacef00dfacef00dfacef00dface";
export const TWILIO_API = `https://api.twilio.com/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`;

/** A Twilio SMS channel; faster than a long code's 1 message per second unless the test says otherwise. */
export async function twilioChannel(sendsPerSecond = 100): Promise<{ uuid: string; address: string }> {
  const address = phone();
  return { uuid: await createChannel("twilio", address, { account_sid: TWILIO_SID, auth_token: TWILIO_TOKEN }, { sends_per_second: sendsPerSecond }), address };
}

/** As Twilio documents it: base64 HMAC-SHA1 of the URL followed by each POST parameter sorted by name, name and value appended. */
export async function twilioSignature(url: string, params: Record<string, string>, token = TWILIO_TOKEN): Promise<string> {
  return b64(await hmac("SHA-1", token, url + Object.keys(params).sort().map((k) => k + params[k]).join("")));
}

/** An inbound SMS as Twilio posts it. */
export function twilioSms(channel: { address: string }, from: string, body: string, sid = id("SM")): Record<string, string> {
  return {
    ToCountry: "US",
    SmsMessageSid: sid,
    NumMedia: "0",
    SmsSid: sid,
    SmsStatus: "received",
    Body: body,
    To: channel.address,
    NumSegments: "1",
    MessageSid: sid,
    AccountSid: TWILIO_SID,
    From: from,
    ApiVersion: "2010-04-01",
  };
}

export async function postTwilio(channel: string, params: Record<string, string>, opts: { path?: "receive" | "status"; signature?: string } = {}): Promise<Response> {
  const url = `${ORIGIN}/channels/${channel}/${opts.path ?? "receive"}`;
  const signature = opts.signature ?? (await twilioSignature(url, params));
  return exports.default.fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(params).toString(),
  });
}

// ---- WhatsApp Cloud ---------------------------------------------------------------------------

export const WA = { phoneId: "106540352242922", token: "EAAG-access-token-secret-value", appSecret: "0123456789abcdef0123456789abcdef", verifyToken: "my-verify-token" };

export async function postWhatsApp(channel: string, payload: unknown, secret = WA.appSecret): Promise<Response> {
  const body = JSON.stringify(payload);
  return exports.default.fetch(`${ORIGIN}/channels/${channel}/receive`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": "sha256=" + hex(await hmac("SHA-256", secret, body)) },
    body,
  });
}

/** A text message in Meta's notification envelope. */
export function whatsappText(waId: string, text: string, name = "Kerry Fisher") {
  return {
    object: "whatsapp_business_account",
    entry: [
      {
        id: "102290129340398",
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: "15550783881", phone_number_id: WA.phoneId },
              contacts: [{ profile: { name }, wa_id: waId }],
              messages: [{ from: waId, id: id("wamid.HBgL"), timestamp: String(Math.floor(Date.now() / 1000)), text: { body: text }, type: "text" }],
            },
          },
        ],
      },
    ],
  };
}

// ---- Telegram ---------------------------------------------------------------------------------

export const TG = { bot: "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", secret: "s3cr3t-webhook_token" };

export function postTelegram(channel: string, update: unknown, secret = TG.secret): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}/channels/${channel}/receive`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    body: JSON.stringify(update),
  });
}

let updateId = 174114370;
export function telegramText(chatId: number, text: string) {
  const from = { id: chatId, is_bot: false, first_name: "Nic", last_name: "Pottier", username: "nicpottier", language_code: "en" };
  return { update_id: ++updateId, message: { message_id: updateId, from, chat: { id: chatId, first_name: "Nic", last_name: "Pottier", type: "private" }, date: Math.floor(Date.now() / 1000), text } };
}

// ---- Vonage -----------------------------------------------------------------------------------

export const VONAGE = { key: "abcd1234", secret: "Sup3rS3cretApi", signatureSecret: "sig-secret-0123456789abcdefghij" };

/** Vonage's signed webhook: an HS256 JWT whose payload_hash is the body's SHA-256. */
async function vonageJwt(body: string, secret: string): Promise<string> {
  const header = b64url(enc.encode(JSON.stringify({ alg: "HS256", typ: "JWT" })));
  const hash = hex(new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(body))));
  const claims = { iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID(), iss: "Vonage", payload_hash: hash, api_key: VONAGE.key, application_id: "aaaaaaaa-bbbb-cccc-dddd-0123456789ab" };
  const payload = b64url(enc.encode(JSON.stringify(claims)));
  return `${header}.${payload}.${b64url(await hmac("SHA-256", secret, `${header}.${payload}`))}`;
}

export async function postVonage(channel: string, payload: unknown, secret = VONAGE.signatureSecret): Promise<Response> {
  const body = JSON.stringify(payload);
  return exports.default.fetch(`${ORIGIN}/channels/${channel}/receive`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await vonageJwt(body, secret)}` },
    body,
  });
}

export function vonageSms(to: string, from: string, text: string) {
  return { channel: "sms", message_uuid: crypto.randomUUID(), to, from, timestamp: new Date().toISOString().replace(/\.\d+Z$/, "Z"), text, sms: { num_messages: "1" }, message_type: "text" };
}

// ---- Looking at the results -------------------------------------------------------------------

export async function contactByUrn(urn: string): Promise<string | undefined> {
  const colon = urn.indexOf(":");
  const row = await env.DB.prepare("SELECT contact_uuid FROM contact_urns WHERE scheme = ? AND path = ?").bind(urn.slice(0, colon), urn.slice(colon + 1)).first<{ contact_uuid: string }>();
  return row?.contact_uuid;
}

export async function messagesOf(contact: string) {
  const rows = await env.DB.prepare("SELECT * FROM messages WHERE contact_uuid = ? ORDER BY created_on, rowid").bind(contact).all<Record<string, any>>();
  return rows.results;
}

export async function runsOf(contact: string) {
  const rows = await env.DB.prepare("SELECT * FROM runs WHERE contact_uuid = ? ORDER BY created_on, rowid").bind(contact).all<Record<string, any>>();
  return rows.results.map((r): Record<string, any> => ({ ...r, results: JSON.parse(r.results) }));
}

export const contactObject = (contact: string) => env.CONTACTS.getByName(contact);

/**
 * Twilio's Messages API for a test file: records each message it is asked to send ({to, body}),
 * refuses any request no handler takes, and after each test forgets what it recorded, drops the
 * test's own handlers (`server.use`) and is up again. `handlers` stay for the whole file.
 */
export function twilioOutbox(...handlers: RequestHandler[]) {
  const sent: { to: string; body: string }[] = [];
  let failures = 0;
  let down = false;
  const server = setupServer(
    http.post(TWILIO_API, async ({ request }) => {
      if (down) return HttpResponse.error();
      if (failures > 0 && failures--) return HttpResponse.json({ message: "busy" }, { status: 503 });
      const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
      sent.push({ to: form.get("To")!, body: form.get("Body")! });
      return HttpResponse.json({ sid: `SM${crypto.randomUUID().replace(/-/g, "")}` }, { status: 201 });
    }),
    ...handlers,
  );
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    sent.length = 0;
    failures = 0;
    down = false;
    server.resetHandlers();
  });
  afterAll(() => server.close());
  return {
    sent,
    server,
    /** The next `n` sends are refused with a 503. */
    failNext: (n: number) => void (failures = n),
    /** Sends fail at the network until `up` (or the test's end). */
    down: () => void (down = true),
    up: () => void (down = false),
  };
}
