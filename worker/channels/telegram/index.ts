import { z } from "zod";
import { safeEqual } from "../shared/crypto";
import { mediaKind, splitAttachment, urnPath, urnScheme } from "../shared/attachments";
import { callApi, failure, scrub, secretValues, sendParts } from "../shared/send";
import { latitude, longitude, mimeType, providerId, senderUrn } from "../shared/fields";
import { bodyBytes, utf8Problem, utf8Text } from "../shared/utf8";
import { accepted, invalid, parseJson, rejected, unixToIso, zodMessage } from "../shared/webhook";
import type { Channel, InboundMessage, OutboundMessage, Provider, SendResult } from "../types";

export const DEFAULT_BASE = "https://api.telegram.org";

export const telegramConfig = z.object({
  bot_token: z.string().regex(/^\d+:[A-Za-z0-9_-]+$/, "must be a bot token from @BotFather"),
  /** Given to setWebhook as secret_token; Telegram sends it back in X-Telegram-Bot-Api-Secret-Token. */
  webhook_secret: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "1-256 characters A-Z, a-z, 0-9, _ and -"),
});
type TelegramConfig = z.infer<typeof telegramConfig>;
const SECRETS = ["bot_token", "webhook_secret"] as const;

// Telegram's limits: a message text is 1 to 4,096 characters, a caption up to 1,024; a user's first
// and last names up to 64 each, a username up to 32.
export const TG_MAX_TEXT = 4096;
const TG_MAX_CAPTION = 1024;

const text = (max: number) => z.string().max(max, `is longer than ${max} characters`);
const id = z.number().int().refine(Number.isSafeInteger, "must be a whole number");
const fileId = providerId(512);

const file = z.object({ file_id: fileId, mime_type: mimeType.optional() });

const tgMessage = z.object({
  message_id: id,
  from: z.object({ id, first_name: text(64).optional(), last_name: text(64).optional(), username: text(32).optional() }).optional(),
  chat: z.object({ id }),
  date: z.number().int().min(0).max(1e11, "must be Unix seconds"),
  text: text(TG_MAX_TEXT).optional(),
  caption: text(TG_MAX_CAPTION).optional(),
  // Every size of one photo: a handful in practice.
  photo: z.array(z.object({ file_id: fileId, width: z.number().optional(), height: z.number().optional() })).max(20).optional(),
  voice: file.optional(),
  audio: file.optional(),
  video: file.optional(),
  document: file.optional(),
  location: z.object({ latitude, longitude }).optional(),
  contact: z.object({ phone_number: text(32) }).optional(),
});

const tgUpdate = z.object({ update_id: id, message: tgMessage.optional() });

function inbound(m: z.infer<typeof tgMessage>, channel: Channel, urn: string): InboundMessage {
  const attachments: string[] = [];
  if (m.photo?.length) {
    // Telegram sends every size of a photo; the largest is the original.
    const largest = m.photo.reduce((a, b) => ((b.width ?? 0) * (b.height ?? 0) > (a.width ?? 0) * (a.height ?? 0) ? b : a));
    attachments.push(`image/jpeg:media:${largest.file_id}`);
  }
  if (m.voice) attachments.push(`${m.voice.mime_type ?? "audio/ogg"}:media:${m.voice.file_id}`);
  if (m.audio) attachments.push(`${m.audio.mime_type ?? "audio/mpeg"}:media:${m.audio.file_id}`);
  if (m.video) attachments.push(`${m.video.mime_type ?? "video/mp4"}:media:${m.video.file_id}`);
  if (m.document) attachments.push(`${m.document.mime_type ?? "application/octet-stream"}:media:${m.document.file_id}`);
  if (m.location) attachments.push(`geo:${m.location.latitude},${m.location.longitude}`);
  const msg: InboundMessage = {
    channelUuid: channel.uuid,
    urn,
    externalId: String(m.message_id),
    // A shared contact card answers "what is your number?" with the number.
    text: m.text ?? m.caption ?? m.contact?.phone_number ?? "",
    attachments,
    receivedOn: unixToIso(m.date),
  };
  const name = [m.from?.first_name, m.from?.last_name].filter(Boolean).join(" ") || m.from?.username;
  if (name) msg.contactName = name;
  return msg;
}

const METHODS = { image: ["sendPhoto", "photo"], video: ["sendVideo", "video"], audio: ["sendAudio", "audio"], document: ["sendDocument", "document"] } as const;

/** The API calls for one message, in order: attachments, then the text with the keyboard (or the caption of a single attachment). */
function buildCalls(msg: OutboundMessage, chatId: string): { method: string; body: Record<string, unknown> }[] {
  const replyMarkup = msg.quickReplies.length
    ? { keyboard: msg.quickReplies.map((text) => [{ text }]), resize_keyboard: true, one_time_keyboard: true }
    : { remove_keyboard: true };
  const media = msg.attachments.map(splitAttachment).map(({ contentType, url }) => {
    const [method, field] = METHODS[mediaKind(contentType)];
    return { method, body: { chat_id: chatId, [field]: url } as Record<string, unknown> };
  });
  const last = media[media.length - 1];
  if (last && msg.text.length <= 1024) {
    if (msg.text) last.body.caption = msg.text;
    last.body.reply_markup = replyMarkup;
    return media;
  }
  if (!msg.text) return media;
  return [...media, { method: "sendMessage", body: { chat_id: chatId, text: msg.text, reply_markup: replyMarkup } }];
}

function api(channel: Channel, cfg: TelegramConfig, method: string): string {
  return `${(channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/bot${cfg.bot_token}/${method}`;
}

export const telegram: Provider = {
  type: "telegram",
  configSchema: telegramConfig,
  secretKeys: SECRETS,
  // Telegram's documented bot-wide limit for messages to different chats.
  defaultSendsPerSecond: 30,

  async handleWebhook(req, channel) {
    const cfg = telegramConfig.safeParse(channel.config);
    if (!cfg.success) return rejected(403, "channel config invalid");
    const token = req.headers.get("x-telegram-bot-api-secret-token");
    if (!token) return rejected(403, "missing X-Telegram-Bot-Api-Secret-Token");
    if (!safeEqual(token, cfg.data.webhook_secret)) return rejected(403, "bad X-Telegram-Bot-Api-Secret-Token");

    const raw = utf8Text(await bodyBytes(req));
    if (!raw.ok) return invalid(utf8Problem(raw.field));
    const json = parseJson(raw.value);
    if (!json.ok) return invalid("body: not JSON");
    const update = tgUpdate.safeParse(json.value);
    if (!update.success) return invalid(zodMessage(update.error));
    // Edits, channel posts, callbacks... are acknowledged and dropped: Eddy uses reply keyboards only.
    const m = update.data.message;
    const urn = m && senderUrn("message.chat.id", `telegram:${m.chat.id}`);
    if (urn && !urn.ok) return invalid(urn.error);
    const messages = m && urn ? [inbound(m, channel, urn.urn)] : [];
    // Telegram has no delivery receipts, so there are never statuses.
    return accepted(messages, [], new Response(null, { status: 200 }));
  },

  async send(msg, channel, fetcher): Promise<SendResult> {
    const parsed = telegramConfig.safeParse(channel.config);
    if (!parsed.success) return failure(`channel config invalid: ${zodMessage(parsed.error)}`);
    const cfg = parsed.data;
    const secrets = secretValues(cfg, SECRETS);
    if (urnScheme(msg.urn) !== "telegram") return failure(scrub(`cannot send to ${urnScheme(msg.urn)} URNs on Telegram`, secrets));
    const calls = buildCalls(msg, urnPath(msg.urn));
    if (!calls.length) return failure("nothing to send: no text and no attachments");

    return sendParts(calls.length, msg.fromPart, async (i) => {
      const r = await callApi(
        fetcher,
        "telegram",
        api(channel, cfg, calls[i].method),
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(calls[i].body) },
        secrets,
        (body) => {
          const b = body as { description?: unknown; parameters?: { retry_after?: unknown } };
          const retryAfter = b?.parameters?.retry_after;
          return {
            ...(typeof b?.description === "string" ? { message: b.description } : {}),
            ...(typeof retryAfter === "number" ? { retryAfterSeconds: retryAfter } : {}),
          };
        },
      );
      if (!r.ok) return r;
      const id = (r.body as { result?: { message_id?: unknown } } | undefined)?.result?.message_id;
      return typeof id === "number" ? { ok: true, externalId: String(id) } : failure("telegram: response without result.message_id");
    });
  },

  async fetchMedia(fileId, channel, fetcher) {
    const cfg = telegramConfig.parse(channel.config);
    const meta = await fetcher(`${api(channel, cfg, "getFile")}?file_id=${encodeURIComponent(fileId)}`);
    if (!meta.ok) return new Response(null, { status: meta.status });
    const path = ((await meta.json()) as { result?: { file_path?: string } }).result?.file_path;
    if (!path) return new Response(null, { status: 502 });
    // The download URL holds the bot token, so it is fetched here and never handed out.
    return fetcher(`${(channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/file/bot${cfg.bot_token}/${path}`);
  },
};
