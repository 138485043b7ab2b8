import { z } from "zod";
import { hmac, safeEqual, toHex } from "../shared/crypto";
import { mediaKind, splitAttachment, urnPath, urnScheme } from "../shared/attachments";
import { callApi, failure, scrub, secretValues, sendParts, type ApiOutcome } from "../shared/send";
import { latitude, longitude, mimeType, providerId, senderName, senderUrn, unixSecondsText } from "../shared/fields";
import { bodyBytes, utf8Problem, utf8Text } from "../shared/utf8";
import { accepted, invalid, parseJson, rejected, unixToIso, zodMessage } from "../shared/webhook";
import { withFormEvents } from "./forms";
import type { Channel, Fetcher, InboundMessage, MessageStatus, OutboundMessage, Provider, SendResult, StatusUpdate } from "../types";

export const DEFAULT_BASE = "https://graph.facebook.com";

export const whatsappCloudConfig = z.object({
  phone_number_id: z.string().regex(/^\d+$/, "must be the numeric phone number id"),
  access_token: z.string().min(1),
  /** Signs webhooks (X-Hub-Signature-256). */
  app_secret: z.string().min(1),
  /** Chosen by us and typed into Meta's webhook settings; echoed back in the GET verification. */
  verify_token: z.string().min(1),
  api_version: z
    .string()
    .regex(/^v?\d+\.\d+$/, "like v21.0")
    .default("v21.0"),
  /** The label of the button that opens a list of 4 to 10 quick replies (max 20 characters). */
  list_button: z.string().min(1).max(20).default("Menu"),
  /** The WhatsApp Business Account id: WhatsApp forms are created and synced on it (docs/whatsapp-forms.md). */
  business_account_id: z.string().regex(/^\d+$/, "must be the numeric WhatsApp Business Account id").optional(),
  /** The RSA private key (PKCS#8 PEM) whose public key is uploaded to Meta: it opens WhatsApp forms' data endpoint requests. */
  flows_private_key: z.string().max(8192).regex(/^\s*-----BEGIN PRIVATE KEY-----[\s\S]+-----END PRIVATE KEY-----\s*$/, "must be a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----)").optional(),
});
type WaConfig = z.infer<typeof whatsappCloudConfig>;
const SECRETS = ["access_token", "app_secret", "verify_token", "flows_private_key"] as const;

// Meta's limits: a text message is at most 4,096 characters, a media caption 1,024, a reply
// button's title 20, a list row's title 24 and its description 72 (Eddy sends within them too).
export const WA_MAX_TEXT = 4096;
const WA_MAX_CAPTION = 1024;
// Eddy's bounds per notification: what one Worker invocation stores within its subrequest budget.
export const WA_MAX_MESSAGES = 100;
export const WA_MAX_STATUSES = 500;

const text = (max: number) => z.string().max(max, `is longer than ${max} characters`);

const media = z.object({ id: providerId(), mime_type: mimeType.optional(), caption: text(WA_MAX_CAPTION).optional(), filename: text(255).optional() });
const reply = z.object({ id: text(256), title: text(24) });

const waMessage = z.object({
  from: z.string().max(20),
  id: providerId(),
  timestamp: unixSecondsText.optional(),
  type: text(32),
  context: z.object({ id: providerId() }).optional(),
  text: z.object({ body: text(WA_MAX_TEXT) }).optional(),
  interactive: z
    .object({
      type: text(32),
      button_reply: reply.extend({ title: text(20) }).optional(),
      list_reply: reply.extend({ description: text(72).optional() }).optional(),
      // A WhatsApp Flow's answers: Meta documents no bound, this is Eddy's.
      nfm_reply: z.object({ response_json: text(65_536), body: text(WA_MAX_TEXT).optional(), name: text(256).optional() }).optional(),
    })
    .optional(),
  // A template's quick-reply button: Meta caps its text at 25 characters.
  button: z.object({ text: text(25), payload: text(1000).optional() }).optional(),
  image: media.optional(),
  audio: media.optional(),
  voice: media.optional(),
  video: media.optional(),
  document: media.optional(),
  sticker: media.optional(),
  location: z.object({ latitude, longitude }).optional(),
});

const waStatus = z.object({
  id: providerId(),
  status: text(32),
  timestamp: unixSecondsText.optional(),
  errors: z.array(z.object({ code: z.number().int().optional(), title: text(1024).optional(), message: text(1024).optional() })).max(10).optional(),
});

const waPayload = z.object({
  object: text(64),
  entry: z
    .array(
      z.object({
        changes: z
          .array(
            z.object({
              field: text(64),
              value: z.object({
                metadata: z.object({ phone_number_id: text(64) }).optional(),
                contacts: z.array(z.object({ wa_id: text(20), profile: z.object({ name: senderName(256) }).optional() })).max(WA_MAX_MESSAGES).optional(),
                messages: z.array(waMessage).max(WA_MAX_MESSAGES).optional(),
                statuses: z.array(waStatus).max(WA_MAX_STATUSES).optional(),
              }),
            }),
          )
          .max(100),
      }),
    )
    .max(100),
});

const STATUS_MAP: Record<string, MessageStatus> = { sent: "sent", delivered: "delivered", read: "read", failed: "failed" };

// Graph API error codes that mean "slow down" although they come back as 400.
const THROTTLE_CODES = new Set([4, 80007, 130429, 131048, 131056]);

const MEDIA_KINDS = ["image", "audio", "voice", "video", "document", "sticker"] as const;

function version(cfg: WaConfig): string {
  return cfg.api_version.startsWith("v") ? cfg.api_version : `v${cfg.api_version}`;
}

function base(channel: Channel): string {
  return (channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
}

/** Text, attachments and form of one inbound message; null for types that are not messages (reactions, system...). */
function content(m: z.infer<typeof waMessage>): Pick<InboundMessage, "text" | "attachments" | "form"> | null {
  if (m.text) return { text: m.text.body, attachments: [] };
  if (m.interactive?.button_reply) return { text: m.interactive.button_reply.title, attachments: [] };
  if (m.interactive?.list_reply) return { text: m.interactive.list_reply.title, attachments: [] };
  if (m.interactive?.nfm_reply) {
    // A completed WhatsApp Flow: the raw JSON stays the text (goflow flows can json() it), the fields go to form.
    const raw = m.interactive.nfm_reply.response_json;
    const parsed = parseJson(raw);
    const form = parsed.ok && parsed.value && typeof parsed.value === "object" && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : undefined;
    return form ? { text: raw, attachments: [], form } : { text: raw, attachments: [] };
  }
  if (m.button) return { text: m.button.text, attachments: [] };
  if (m.location) return { text: "", attachments: [`geo:${m.location.latitude},${m.location.longitude}`] };
  for (const kind of MEDIA_KINDS) {
    const item = m[kind];
    if (item) {
      const type = item.mime_type?.split(";")[0].trim() || (kind === "sticker" ? "image/webp" : "application/octet-stream");
      return { text: item.caption ?? "", attachments: [`${type}:media:${item.id}`] };
    }
  }
  return null;
}

function recipient(urn: string): string | null {
  const scheme = urnScheme(urn);
  return scheme === "whatsapp" || scheme === "tel" ? urnPath(urn).replace(/^\+/, "") : null;
}

type Part = Record<string, unknown>;

/**
 * The message as Cloud API payloads, in sending order: attachments first, the text with its quick
 * replies last. A single image/video/document rides along as the caption or the buttons' header.
 */
function buildParts(msg: OutboundMessage, cfg: WaConfig): Part[] {
  const attachments = msg.attachments.map(splitAttachment).map((a) => ({ ...a, kind: mediaKind(a.contentType) }));
  const mediaPart = (a: (typeof attachments)[number], caption?: string): Part => {
    const body: Record<string, string> = { link: a.url };
    if (caption) body.caption = caption;
    if (a.kind === "document") {
      const name = a.url.split("?")[0].split("/").pop();
      if (name) body.filename = name;
    }
    return { type: a.kind, [a.kind]: body };
  };
  const qr = msg.quickReplies;
  const last = attachments[attachments.length - 1];
  const captionable = (a: typeof last | undefined) => !!a && a.kind !== "audio";

  if (qr.length >= 1 && qr.length <= 3) {
    const header = attachments.length === 1 && captionable(last) ? last : undefined;
    const parts = (header ? [] : attachments).map((a) => mediaPart(a));
    const interactive: Record<string, unknown> = {
      type: "button",
      body: { text: msg.text },
      action: { buttons: qr.map((title, i) => ({ type: "reply", reply: { id: `qr${i}`, title: title.slice(0, 20) } })) },
    };
    if (header) interactive.header = { type: header.kind, [header.kind]: { link: header.url } };
    return [...parts, { type: "interactive", interactive }];
  }
  if (qr.length >= 4 && qr.length <= 10) {
    const rows = qr.map((title, i) => (title.length > 24 ? { id: `qr${i}`, title: title.slice(0, 24), description: title.slice(0, 72) } : { id: `qr${i}`, title }));
    const list = { type: "list", body: { text: msg.text }, action: { button: cfg.list_button, sections: [{ rows }] } };
    return [...attachments.map((a) => mediaPart(a)), { type: "interactive", interactive: list }];
  }
  // More than ten options do not fit WhatsApp's widgets: they are listed in the text.
  const text = qr.length > 10 ? [msg.text, qr.join("\n")].filter(Boolean).join("\n\n") : msg.text;
  if (attachments.length && captionable(last) && text.length <= 1024) {
    return [...attachments.slice(0, -1).map((a) => mediaPart(a)), mediaPart(last, text || undefined)];
  }
  const parts = attachments.map((a) => mediaPart(a));
  if (text) parts.push({ type: "text", text: { body: text, preview_url: false } });
  return parts;
}

export const whatsappCloud: Provider = {
  type: "whatsapp_cloud",
  configSchema: whatsappCloudConfig,
  secretKeys: SECRETS,
  // Meta's default throughput per business phone number.
  defaultSendsPerSecond: 80,

  handleVerification(req, channel) {
    if (req.method !== "GET") return null;
    const q = new URL(req.url).searchParams;
    if (!q.has("hub.mode")) return null;
    const cfg = whatsappCloudConfig.safeParse(channel.config);
    const token = q.get("hub.verify_token") ?? "";
    if (!cfg.success || q.get("hub.mode") !== "subscribe" || !safeEqual(token, cfg.data.verify_token)) {
      return new Response("forbidden", { status: 403 });
    }
    return new Response(q.get("hub.challenge") ?? "", { headers: { "content-type": "text/plain" } });
  },

  async handleWebhook(req, channel) {
    const cfg = whatsappCloudConfig.safeParse(channel.config);
    if (!cfg.success) return rejected(403, "channel config invalid");
    const header = req.headers.get("x-hub-signature-256");
    if (!header || !header.startsWith("sha256=")) return rejected(401, "missing X-Hub-Signature-256");
    // Meta signs the bytes it sent; only then are they read as text.
    const bytes = await bodyBytes(req);
    const expected = toHex(await hmac("SHA-256", cfg.data.app_secret, bytes));
    if (!safeEqual(header.slice("sha256=".length).toLowerCase(), expected)) return rejected(403, "bad X-Hub-Signature-256");
    const raw = utf8Text(bytes);
    if (!raw.ok) return invalid(utf8Problem(raw.field));

    const json = parseJson(raw.value);
    if (!json.ok) return invalid("body: not JSON");
    const payload = waPayload.safeParse(json.value);
    if (!payload.success) return invalid(zodMessage(payload.error));

    const values = payload.data.entry.flatMap((e) => e.changes.map((c) => c.value));
    if (values.reduce((n, v) => n + (v.messages?.length ?? 0), 0) > WA_MAX_MESSAGES) return invalid(`entry: more than ${WA_MAX_MESSAGES} messages in one notification`);
    if (values.reduce((n, v) => n + (v.statuses?.length ?? 0), 0) > WA_MAX_STATUSES) return invalid(`entry: more than ${WA_MAX_STATUSES} statuses in one notification`);

    const messages: InboundMessage[] = [];
    const statuses: StatusUpdate[] = [];
    for (const [e, entry] of payload.data.entry.entries()) {
      for (const [ch, change] of entry.changes.entries()) {
        const v = change.value;
        // One Meta app can serve several numbers; each channel keeps only its own.
        if (change.field !== "messages" || v.metadata?.phone_number_id !== cfg.data.phone_number_id) continue;
        for (const [i, m] of (v.messages ?? []).entries()) {
          const c = content(m);
          if (!c) continue;
          const urn = senderUrn(`entry.${e}.changes.${ch}.value.messages.${i}.from`, `whatsapp:${m.from}`);
          if (!urn.ok) return invalid(urn.error);
          const msg: InboundMessage = { channelUuid: channel.uuid, urn: urn.urn, externalId: m.id, receivedOn: unixToIso(m.timestamp), ...c };
          const name = v.contacts?.find((x) => x.wa_id === m.from)?.profile?.name;
          if (name) msg.contactName = name;
          if (c.form && m.context) msg.replyTo = m.context.id;
          messages.push(msg);
        }
        for (const s of v.statuses ?? []) {
          const status = STATUS_MAP[s.status];
          if (!status) continue;
          const update: StatusUpdate = { externalId: s.id, status };
          if (s.timestamp) update.at = unixToIso(s.timestamp);
          const e = s.errors?.[0];
          if (e) update.error = [e.code, e.title ?? e.message].filter((x) => x !== undefined).join(": ");
          statuses.push(update);
        }
      }
    }
    return withFormEvents(accepted(messages, statuses), json.value);
  },

  async send(msg, channel, fetcher): Promise<SendResult> {
    const parsed = whatsappCloudConfig.safeParse(channel.config);
    if (!parsed.success) return failure(`channel config invalid: ${zodMessage(parsed.error)}`);
    const cfg = parsed.data;
    const secrets = secretValues(cfg, SECRETS);
    const to = recipient(msg.urn);
    if (!to) return failure(scrub(`cannot send to ${urnScheme(msg.urn)} URNs on WhatsApp`, secrets));
    const parts = msg.payload ? [msg.payload] : buildParts(msg, cfg);
    if (!parts.length) return failure("nothing to send: no text and no attachments");

    const url = `${base(channel)}/${version(cfg)}/${cfg.phone_number_id}/messages`;
    return sendParts(parts.length, msg.fromPart, async (i) => {
      const r: ApiOutcome = await callApi(
        fetcher,
        "whatsapp",
        url,
        {
          method: "POST",
          headers: { authorization: `Bearer ${cfg.access_token}`, "content-type": "application/json" },
          body: JSON.stringify({ messaging_product: "whatsapp", recipient_type: "individual", to, ...parts[i] }),
        },
        secrets,
        (body) => {
          const e = (body as { error?: { message?: unknown; code?: unknown } })?.error;
          if (!e) return {};
          const code = typeof e.code === "number" ? e.code : undefined;
          return { message: `${String(e.message ?? "error")}${code !== undefined ? ` (code ${code})` : ""}`, ...(code !== undefined && THROTTLE_CODES.has(code) ? { retryable: true } : {}) };
        },
      );
      if (!r.ok) return r;
      const id = (r.body as { messages?: { id?: unknown }[] } | undefined)?.messages?.[0]?.id;
      return typeof id === "string" ? { ok: true, externalId: id } : failure("whatsapp: response without messages[0].id");
    });
  },

  async fetchMedia(mediaId, channel, fetcher) {
    const cfg = whatsappCloudConfig.parse(channel.config);
    const auth = { authorization: `Bearer ${cfg.access_token}` };
    // Two steps, as Meta documents: the media id gives a short-lived URL, which needs the token too.
    const meta = await fetcher(`${base(channel)}/${version(cfg)}/${encodeURIComponent(mediaId)}`, { headers: auth });
    if (!meta.ok) return new Response(null, { status: meta.status });
    const { url } = (await meta.json()) as { url?: string };
    if (!url) return new Response(null, { status: 502 });
    return fetcher(url, { headers: auth });
  },
};
