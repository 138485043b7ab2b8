import { z } from "zod";
import { basicAuth, hmac, safeEqual, toBase64 } from "../shared/crypto";
import { splitAttachment, textWithExtras, urnPath, urnScheme } from "../shared/attachments";
import { callApi, failure, scrub, secretValues } from "../shared/send";
import { decimalText, httpUrl, latitude, longitude, mimeType, senderName, senderUrn } from "../shared/fields";
import { bodyBytes, utf8Form, utf8Problem, utf8Text } from "../shared/utf8";
import { accepted, invalid, rejected, zodMessage } from "../shared/webhook";
import type { Channel, Fetcher, InboundMessage, MessageStatus, OutboundMessage, Provider, SendResult, StatusUpdate } from "../types";

export const DEFAULT_BASE = "https://api.twilio.com";

export const twilioConfig = z.object({
  account_sid: z.string().regex(/^AC[0-9a-fA-F]{32}$/, "must be an Account SID (AC + 32 hex digits)"),
  auth_token: z.string().min(1),
  /** Sends through a Messaging Service instead of From = the channel's address. */
  messaging_service_sid: z.string().regex(/^MG[0-9a-fA-F]{32}$/).optional(),
});
type TwilioConfig = z.infer<typeof twilioConfig>;
const SECRETS = ["auth_token"] as const;

// Twilio's own limits: a message body is at most 1,600 characters and carries at most 10 media.
export const TWILIO_MAX_BODY = 1600;
export const TWILIO_MAX_MEDIA = 10;

const sid = z.string().regex(/^[A-Za-z0-9]{2,64}$/, "must be a Twilio SID (letters and digits)");

const inboundSchema = z.object({
  MessageSid: sid,
  From: z.string().min(1).max(64, "is longer than 64 characters"),
  To: z.string().max(64).optional(),
  Body: z.string().max(TWILIO_MAX_BODY, `is longer than Twilio's ${TWILIO_MAX_BODY} characters`).default(""),
  NumMedia: z
    .string()
    .regex(/^\d{1,12}$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().max(TWILIO_MAX_MEDIA, `is more than Twilio's ${TWILIO_MAX_MEDIA} media`))
    .default(0),
  ProfileName: senderName(128).optional(),
  Latitude: decimalText(latitude).optional(),
  Longitude: decimalText(longitude).optional(),
});

/** MediaUrl{n} and MediaContentType{n} for n below NumMedia, and none beyond: checked before any loop. */
function media(fields: Record<string, string>, count: number): { ok: true; attachments: string[] } | { ok: false; error: string } {
  for (const key of Object.keys(fields)) {
    const n = /^Media(?:Url|ContentType)(\d+)$/.exec(key);
    if (n && Number(n[1]) >= count) return { ok: false, error: `${key}: NumMedia is ${count}` };
  }
  const attachments: string[] = [];
  for (let i = 0; i < count; i++) {
    const url = httpUrl.safeParse(fields[`MediaUrl${i}`]);
    if (!url.success) return { ok: false, error: `MediaUrl${i}: ${fields[`MediaUrl${i}`] === undefined ? `missing, although NumMedia is ${count}` : url.error.issues[0].message}` };
    const type = mimeType.optional().safeParse(fields[`MediaContentType${i}`]);
    if (!type.success) return { ok: false, error: `MediaContentType${i}: ${type.error.issues[0].message}` };
    attachments.push(`${type.data ?? "application/octet-stream"}:${url.data}`);
  }
  return { ok: true, attachments };
}

const statusSchema = z.object({
  MessageSid: sid,
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z.string().regex(/^\d{1,10}$/, "must be a Twilio error code").optional(),
});

// Twilio's lifecycle, in Eddy's terms: anything before "sent" means Twilio has it (wired).
const STATUS_MAP: Record<string, MessageStatus> = {
  accepted: "wired",
  scheduled: "wired",
  queued: "wired",
  sending: "wired",
  sent: "sent",
  delivered: "delivered",
  read: "read",
  undelivered: "failed",
  failed: "failed",
  canceled: "failed",
};

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Twilio's request signature: base64 HMAC-SHA1, keyed by the auth token, of the full URL followed
 * by every POST parameter sorted by name, name then value.
 */
export async function twilioSignature(authToken: string, url: string, params: URLSearchParams): Promise<string> {
  const pairs = [...params.entries()].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const data = url + pairs.map(([k, v]) => k + v).join("");
  return toBase64(await hmac("SHA-1", authToken, data));
}

function isWhatsApp(channel: Channel): boolean {
  return channel.type === "twilio_whatsapp";
}

/** Twilio's "whatsapp:+250..." or "+250..." as an Eddy URN. */
function toUrn(from: string, whatsapp: boolean): string {
  if (from.startsWith("whatsapp:")) return "whatsapp:" + from.slice("whatsapp:".length).replace(/^\+/, "");
  return whatsapp ? "whatsapp:" + from.replace(/^\+/, "") : "tel:" + from;
}

/** An Eddy URN as Twilio's To. */
function toAddress(urn: string, whatsapp: boolean): string | null {
  const scheme = urnScheme(urn);
  const path = urnPath(urn);
  if (whatsapp) return scheme === "whatsapp" || scheme === "tel" ? "whatsapp:+" + path.replace(/^\+/, "") : null;
  return scheme === "tel" ? path : null;
}

function fromAddress(channel: Channel): string {
  if (!isWhatsApp(channel)) return channel.address;
  return channel.address.startsWith("whatsapp:") ? channel.address : "whatsapp:+" + channel.address.replace(/^\+/, "");
}

function makeProvider(type: "twilio" | "twilio_whatsapp"): Provider {
  return {
    type,
    configSchema: twilioConfig,
    secretKeys: SECRETS,
    // A Twilio long code sends 1 SMS a second; WhatsApp senders take 80.
    defaultSendsPerSecond: type === "twilio" ? 1 : 80,

    async handleWebhook(req, channel, publicUrl) {
      const cfg = twilioConfig.safeParse(channel.config);
      if (!cfg.success) return rejected(403, "channel config invalid");
      const signature = req.headers.get("x-twilio-signature");
      if (!signature) return rejected(403, "missing X-Twilio-Signature");
      // Read as bytes (workerd warns on .text() for form bodies); Twilio signs the decoded fields.
      const raw = utf8Text(await bodyBytes(req));
      const form = raw.ok ? utf8Form(raw.value) : raw;
      if (!form.ok) return invalid(utf8Problem(form.field));
      const params = form.value;
      if (!safeEqual(signature, await twilioSignature(cfg.data.auth_token, publicUrl, params))) {
        return rejected(403, "bad X-Twilio-Signature");
      }
      const fields = Object.fromEntries(params.entries());
      const twiml = () => new Response(TWIML_EMPTY, { headers: { "content-type": "text/xml" } });

      // Status callbacks carry MessageStatus; an incoming message carries SmsStatus=received only.
      if (fields.MessageStatus !== undefined && fields.MessageStatus !== "received") {
        const parsed = statusSchema.safeParse(fields);
        if (!parsed.success) return invalid(zodMessage(parsed.error));
        const status = STATUS_MAP[parsed.data.MessageStatus];
        if (!status) return accepted([], [], twiml());
        const update: StatusUpdate = { externalId: parsed.data.MessageSid, status };
        if (parsed.data.ErrorCode) update.error = `Twilio error ${parsed.data.ErrorCode}`;
        return accepted([], [update], twiml());
      }

      const parsed = inboundSchema.safeParse(fields);
      if (!parsed.success) return invalid(zodMessage(parsed.error));
      const m = parsed.data;
      const found = media(fields, m.NumMedia);
      if (!found.ok) return invalid(found.error);
      const attachments = found.attachments;
      // WhatsApp locations arrive as Latitude/Longitude with no body.
      if ((m.Latitude === undefined) !== (m.Longitude === undefined)) return invalid(`${m.Latitude === undefined ? "Latitude" : "Longitude"}: missing, although ${m.Latitude === undefined ? "Longitude" : "Latitude"} is given`);
      if (m.Latitude !== undefined && m.Longitude !== undefined) attachments.push(`geo:${m.Latitude},${m.Longitude}`);
      const urn = senderUrn("From", toUrn(m.From, isWhatsApp(channel)));
      if (!urn.ok) return invalid(urn.error);
      const msg: InboundMessage = {
        channelUuid: channel.uuid,
        urn: urn.urn,
        externalId: m.MessageSid,
        text: m.Body,
        attachments,
        receivedOn: new Date().toISOString(),
      };
      if (m.ProfileName) msg.contactName = m.ProfileName;
      return accepted([msg], [], twiml());
    },

    async send(msg: OutboundMessage, channel: Channel, fetcher: Fetcher): Promise<SendResult> {
      const parsed = twilioConfig.safeParse(channel.config);
      if (!parsed.success) return failure(`channel config invalid: ${zodMessage(parsed.error)}`);
      const cfg: TwilioConfig = parsed.data;
      const secrets = secretValues(cfg, SECRETS);
      const to = toAddress(msg.urn, isWhatsApp(channel));
      if (!to) return failure(scrub(`cannot send to ${urnScheme(msg.urn)} URNs on a ${type} channel`, secrets));

      const form = new URLSearchParams({ To: to });
      if (cfg.messaging_service_sid) form.set("MessagingServiceSid", cfg.messaging_service_sid);
      else form.set("From", fromAddress(channel));
      // SMS and Twilio's WhatsApp sandbox have no buttons here: quick replies are listed in the text.
      form.set("Body", textWithExtras(msg.text, [], msg.quickReplies));
      for (const a of msg.attachments) form.append("MediaUrl", splitAttachment(a).url);
      if (msg.statusUrl) form.set("StatusCallback", msg.statusUrl);

      const base = (channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
      const r = await callApi(
        fetcher,
        "twilio",
        `${base}/2010-04-01/Accounts/${cfg.account_sid}/Messages.json`,
        {
          method: "POST",
          headers: { authorization: basicAuth(cfg.account_sid, cfg.auth_token), "content-type": "application/x-www-form-urlencoded" },
          body: form.toString(),
        },
        secrets,
        (body) => {
          const b = body as { message?: unknown; code?: unknown };
          return typeof b?.message === "string" ? { message: `${b.message}${b.code ? ` (code ${b.code})` : ""}` } : {};
        },
      );
      if (!r.ok) return r;
      const sid = (r.body as { sid?: unknown } | undefined)?.sid;
      return typeof sid === "string" ? { ok: true, externalId: sid } : failure("twilio: response without a sid");
    },
  };
}

export const twilio = makeProvider("twilio");
export const twilioWhatsApp = makeProvider("twilio_whatsapp");
