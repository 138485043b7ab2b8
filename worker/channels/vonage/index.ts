import { z } from "zod";
import { basicAuth, fromBase64Url, hmac, safeEqual, sha256, toBase64Url, toHex } from "../shared/crypto";
import { splitAttachment, textWithExtras, urnPath, urnScheme } from "../shared/attachments";
import { callApi, failure, scrub, secretValues, sendParts } from "../shared/send";
import { httpUrl, latitude, longitude, providerId, senderName, senderUrn } from "../shared/fields";
import { bodyBytes, utf8Problem, utf8Text } from "../shared/utf8";
import { accepted, invalid, parseJson, rejected, zodMessage } from "../shared/webhook";
import type { Channel, InboundMessage, MessageStatus, OutboundMessage, Provider, SendResult, StatusUpdate } from "../types";

export const DEFAULT_BASE = "https://api.nexmo.com";

export const vonageConfig = z.object({
  api_key: z.string().min(1),
  api_secret: z.string().min(1),
  /** The API key's signature secret: Vonage signs each webhook with it (HS256 JWT). */
  signature_secret: z.string().min(1),
  /** Which Messages API channel this number speaks. */
  channel: z.enum(["sms", "whatsapp"]).default("sms"),
});
type VonageConfig = z.infer<typeof vonageConfig>;
const SECRETS = ["api_secret", "signature_secret"] as const;

// The Messages API's limits on text: 1,000 characters over SMS, 4,096 over WhatsApp.
export const VONAGE_MAX_TEXT = { sms: 1000, mms: 1000, whatsapp: 4096 } as const;

const text = (max: number) => z.string().max(max, `is longer than ${max} characters`);
// A UUID in Vonage's documents; any short printable id is enough to de-duplicate on.
const messageUuid = providerId(256);
const mediaItem = z.object({ url: httpUrl, caption: text(VONAGE_MAX_TEXT.whatsapp).optional() });

const inboundSchema = z
  .object({
    message_uuid: messageUuid,
    from: z.string().max(20, "is longer than 20 characters"),
    to: z.string().max(64).optional(),
    channel: z.enum(["sms", "mms", "whatsapp"], "must be sms, mms or whatsapp: the channels Eddy's Vonage adapter speaks"),
    message_type: text(32),
    text: text(VONAGE_MAX_TEXT.whatsapp).optional(),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    profile: z.object({ name: senderName(256).optional() }).optional(),
    image: mediaItem.optional(),
    audio: mediaItem.pick({ url: true }).optional(),
    video: mediaItem.optional(),
    file: mediaItem.optional(),
    location: z.object({ lat: latitude, long: longitude }).optional(),
    reply: z.object({ id: text(256), title: text(256) }).optional(),
    button: z.object({ text: text(256).optional(), payload: text(1000).optional() }).optional(),
  })
  .superRefine((m, ctx) => {
    const max = VONAGE_MAX_TEXT[m.channel];
    if (m.text && m.text.length > max) ctx.addIssue({ code: "custom", path: ["text"], message: `is longer than ${max} characters, Vonage's limit over ${m.channel}` });
  });

const statusSchema = z.object({
  message_uuid: messageUuid,
  status: text(32),
  timestamp: z.iso.datetime({ offset: true }).optional(),
  error: z.object({ title: text(1024).optional(), detail: text(1024).optional(), type: text(1024).optional() }).optional(),
});

const STATUS_MAP: Record<string, MessageStatus> = {
  submitted: "wired",
  delivered: "delivered",
  read: "read",
  rejected: "failed",
  undeliverable: "failed",
};

// Vonage's media URLs carry no content type; these are the generic ones for each message_type.
const MEDIA_TYPES = { image: "image/jpeg", audio: "audio/mpeg", video: "video/mp4", file: "application/octet-stream" } as const;

/**
 * Vonage signs webhooks with a JWT (HS256, the signature secret) whose payload_hash claim is the
 * hex SHA-256 of the body: checking both proves the sender and the body.
 */
async function verifyJwt(authorization: string | null, secret: string, raw: Uint8Array<ArrayBuffer>): Promise<string | null> {
  if (!authorization?.startsWith("Bearer ")) return "missing Bearer JWT";
  const parts = authorization.slice(7).trim().split(".");
  if (parts.length !== 3) return "malformed JWT";
  const [h, p, s] = parts;
  const header = fromBase64Url(h);
  const payload = fromBase64Url(p);
  if (!header || !payload) return "malformed JWT";
  const decode = (b: Uint8Array) => parseJson(new TextDecoder().decode(b));
  const hdr = decode(header);
  const claims = decode(payload);
  if (!hdr.ok || !claims.ok) return "malformed JWT";
  if ((hdr.value as { alg?: unknown })?.alg !== "HS256") return "JWT alg must be HS256";
  if (!safeEqual(s, toBase64Url(await hmac("SHA-256", secret, `${h}.${p}`)))) return "bad JWT signature";
  const hash = (claims.value as { payload_hash?: unknown })?.payload_hash;
  if (typeof hash !== "string" || !safeEqual(hash.toLowerCase(), toHex(await sha256(raw)))) return "payload_hash does not match the body";
  return null;
}

function inbound(m: z.infer<typeof inboundSchema>, channel: Channel, urn: string): InboundMessage | null {
  let text = m.text ?? "";
  const attachments: string[] = [];
  for (const kind of ["image", "audio", "video", "file"] as const) {
    const item = m[kind];
    if (item) {
      attachments.push(`${MEDIA_TYPES[kind]}:${item.url}`);
      if ("caption" in item && item.caption) text = item.caption;
    }
  }
  if (m.location) attachments.push(`geo:${m.location.lat},${m.location.long}`);
  if (m.reply) text = m.reply.title;
  if (m.button) text = m.button.text ?? m.button.payload ?? "";
  if (!text && !attachments.length) return null;
  const msg: InboundMessage = {
    channelUuid: channel.uuid,
    urn,
    externalId: m.message_uuid,
    text,
    attachments,
    receivedOn: m.timestamp ? new Date(m.timestamp).toISOString() : new Date().toISOString(),
  };
  if (m.profile?.name) msg.contactName = m.profile.name;
  return msg;
}

const MEDIA_FIELDS = { image: "image", audio: "audio", video: "video", document: "file" } as const;

/** Message API bodies in order. SMS is text only, so attachments and quick replies are written into the text. */
function buildBodies(msg: OutboundMessage, cfg: VonageConfig, from: string, to: string): Record<string, unknown>[] {
  const common = { to, from, channel: cfg.channel, client_ref: msg.uuid };
  if (cfg.channel === "sms") return [{ ...common, message_type: "text", text: textWithExtras(msg.text, msg.attachments, msg.quickReplies) }];
  const bodies: Record<string, unknown>[] = msg.attachments.map((a) => {
    const { contentType, url } = splitAttachment(a);
    const kind = contentType.startsWith("image/") ? "image" : contentType.startsWith("audio/") ? "audio" : contentType.startsWith("video/") ? "video" : "document";
    const type = MEDIA_FIELDS[kind];
    return { ...common, message_type: type, [type]: { url } };
  });
  const text = textWithExtras(msg.text, [], msg.quickReplies);
  if (text) bodies.push({ ...common, message_type: "text", text });
  return bodies;
}

export const vonage: Provider = {
  type: "vonage",
  configSchema: vonageConfig,
  secretKeys: SECRETS,
  // Vonage's default API throughput per account.
  defaultSendsPerSecond: 30,

  async handleWebhook(req, channel) {
    const cfg = vonageConfig.safeParse(channel.config);
    if (!cfg.success) return rejected(401, "channel config invalid");
    const bytes = await bodyBytes(req);
    const problem = await verifyJwt(req.headers.get("authorization"), cfg.data.signature_secret, bytes);
    if (problem) return rejected(401, problem);
    const raw = utf8Text(bytes);
    if (!raw.ok) return invalid(utf8Problem(raw.field));

    const json = parseJson(raw.value);
    if (!json.ok) return invalid("body: not JSON");
    const body = json.value as { status?: unknown };
    if (body && typeof body === "object" && "status" in body) {
      const s = statusSchema.safeParse(body);
      if (!s.success) return invalid(zodMessage(s.error));
      const status = STATUS_MAP[s.data.status];
      if (!status) return accepted([], []);
      const update: StatusUpdate = { externalId: s.data.message_uuid, status };
      if (s.data.timestamp) update.at = s.data.timestamp;
      const e = s.data.error;
      if (e && (e.title || e.detail)) update.error = [e.title, e.detail].filter(Boolean).join(": ");
      return accepted([], [update]);
    }
    const m = inboundSchema.safeParse(body);
    if (!m.success) return invalid(zodMessage(m.error));
    // Vonage writes numbers in E.164 without the +.
    const from = m.data.from.replace(/^\+/, "");
    const urn = senderUrn("from", m.data.channel === "whatsapp" ? `whatsapp:${from}` : `tel:+${from}`);
    if (!urn.ok) return invalid(urn.error);
    const msg = inbound(m.data, channel, urn.urn);
    return accepted(msg ? [msg] : [], []);
  },

  async send(msg, channel, fetcher): Promise<SendResult> {
    const parsed = vonageConfig.safeParse(channel.config);
    if (!parsed.success) return failure(`channel config invalid: ${zodMessage(parsed.error)}`);
    const cfg = parsed.data;
    const secrets = secretValues(cfg, SECRETS);
    const scheme = urnScheme(msg.urn);
    if (scheme !== "tel" && scheme !== "whatsapp") return failure(scrub(`cannot send to ${scheme} URNs on Vonage`, secrets));
    // The Messages API takes numbers in E.164 without the leading +.
    const to = urnPath(msg.urn).replace(/^\+/, "");
    const bodies = buildBodies(msg, cfg, channel.address.replace(/^\+/, ""), to);
    if (!bodies.length) return failure("nothing to send: no text and no attachments");
    const url = `${(channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "")}/v1/messages`;

    return sendParts(bodies.length, msg.fromPart, async (i) => {
      const r = await callApi(
        fetcher,
        "vonage",
        url,
        {
          method: "POST",
          headers: { authorization: basicAuth(cfg.api_key, cfg.api_secret), "content-type": "application/json", accept: "application/json" },
          body: JSON.stringify(bodies[i]),
        },
        secrets,
        (body) => {
          const b = body as { title?: unknown; detail?: unknown };
          const message = [b?.title, b?.detail].filter((x): x is string => typeof x === "string").join(": ");
          return message ? { message } : {};
        },
      );
      if (!r.ok) return r;
      const id = (r.body as { message_uuid?: unknown } | undefined)?.message_uuid;
      return typeof id === "string" ? { ok: true, externalId: id } : failure("vonage: response without message_uuid");
    });
  },
};
