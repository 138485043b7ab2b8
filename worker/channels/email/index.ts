import { z } from "zod";
import { basicAuth, hmac, safeEqual, toHex } from "../shared/crypto";
import { textWithExtras, urnPath, urnScheme } from "../shared/attachments";
import { callApi, failure, scrub, secretValues } from "../shared/send";
import { senderUrn } from "../shared/fields";
import { bodyBytes, utf8Form, utf8Multipart, utf8Problem, utf8Text } from "../shared/utf8";
import { accepted, invalid, parseJson, rejected, zodMessage } from "../shared/webhook";
import type { Channel, InboundMessage, MessageStatus, Provider, SendResult, StatusUpdate } from "../types";

/** Mailgun's US region; EU domains use https://api.eu.mailgun.net as the channel's baseUrl. */
export const DEFAULT_BASE = "https://api.mailgun.net";

/** Older signatures are refused so a captured webhook cannot be replayed later. */
export const MAX_SIGNATURE_AGE_SECONDS = 5 * 60;

export const emailConfig = z.object({
  /** The Mailgun sending domain, e.g. mg.example.org. */
  domain: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be a domain name"),
  api_key: z.string().min(1),
  /** Mailgun's HTTP webhook signing key (not the API key). */
  webhook_signing_key: z.string().min(1),
  /** Subject of messages that carry none of their own (a flow's send_email sets its own). */
  subject: z.string().min(1).default("New message"),
});
const SECRETS = ["api_key", "webhook_signing_key"] as const;

// Mailgun takes messages up to 25 MB, far more than a flow's message should hold: Eddy keeps
// 65,536 characters of a reply's text. Header fields (From, Subject, Message-Id) are bounded by
// RFC 5322's 998-character line, an address by RFC 5321's 254.
export const EMAIL_MAX_TEXT = 65_536;
const HEADER = 998;

const text = (max: number) => z.string().max(max, `is longer than ${max} characters`);

const signatureFields = z.object({ timestamp: z.coerce.string().regex(/^\d{1,12}$/), token: z.string().min(1).max(256), signature: z.string().regex(/^[0-9a-f]{64}$/i) });

const routeSchema = signatureFields.extend({
  sender: z.string().min(3).max(254, "is longer than 254 characters"),
  from: text(HEADER).optional(),
  subject: text(HEADER).optional(),
  "stripped-text": text(EMAIL_MAX_TEXT).optional(),
  "body-plain": z.string().optional(),
  "Message-Id": text(HEADER).optional(),
});

const eventSchema = z.object({
  signature: signatureFields,
  "event-data": z.object({
    event: text(64),
    timestamp: z.number().min(0).max(1e11, "must be Unix seconds").optional(),
    severity: text(64).optional(),
    reason: text(1024).optional(),
    "delivery-status": z.object({ message: text(4096).optional(), description: text(4096).optional(), code: z.number().int().optional() }).optional(),
    message: z.object({ headers: z.object({ "message-id": text(HEADER) }) }),
  }),
});

/** Mailgun's check: hex HMAC-SHA256 of timestamp + token with the webhook signing key, and a fresh timestamp. */
async function verify(sig: z.infer<typeof signatureFields>, key: string): Promise<string | null> {
  if (!safeEqual(sig.signature.toLowerCase(), toHex(await hmac("SHA-256", key, sig.timestamp + sig.token)))) return "bad signature";
  if (Math.abs(Date.now() / 1000 - Number(sig.timestamp)) > MAX_SIGNATURE_AGE_SECONDS) return "signature timestamp too old";
  return null;
}

/** Message-Ids are compared without their angle brackets (Mailgun's events drop them, its send response keeps them). */
const bare = (id: string) => id.trim().replace(/^<|>$/g, "");

/** "Ana Lima <ana@example.org>" gives "Ana Lima". */
function displayName(from: string | undefined): string | undefined {
  const m = from?.match(/^\s*"?([^"<]*?)"?\s*</);
  return m?.[1] ? m[1] : undefined;
}

function eventStatus(d: z.infer<typeof eventSchema>["event-data"]): MessageStatus | null {
  switch (d.event) {
    case "accepted":
      return "wired";
    case "delivered":
      return "delivered";
    case "opened":
      return "read";
    case "failed":
      // A temporary failure is retried by Mailgun itself; only a permanent one is final.
      return d.severity === "temporary" ? "errored" : "failed";
    default:
      return null;
  }
}

async function handleEvents(raw: string, key: string): Promise<ReturnType<Provider["handleWebhook"]>> {
  const json = parseJson(raw);
  if (!json.ok) return invalid("body: not JSON");
  const sig = signatureFields.safeParse((json.value as { signature?: unknown })?.signature);
  if (!sig.success) return rejected(401, "missing signature");
  const problem = await verify(sig.data, key);
  if (problem) return rejected(403, problem);
  const e = eventSchema.safeParse(json.value);
  if (!e.success) return invalid(zodMessage(e.error));
  const d = e.data["event-data"];
  const status = eventStatus(d);
  if (!status) return accepted([], []);
  const update: StatusUpdate = { externalId: bare(d.message.headers["message-id"]), status };
  if (d.timestamp) update.at = new Date(d.timestamp * 1000).toISOString();
  const ds = d["delivery-status"];
  const reason = ds?.description || ds?.message || d.reason;
  if ((status === "failed" || status === "errored") && reason) update.error = ds?.code ? `${ds.code} ${reason}` : reason;
  return accepted([], [update]);
}

async function handleRoute(req: Request, channel: Channel, key: string): Promise<ReturnType<Provider["handleWebhook"]>> {
  let fields: Record<string, string>;
  // Text fields must be UTF-8 (Mailgun converts every email to it); attachments are bytes.
  const bytes = await bodyBytes(req);
  const contentType = req.headers.get("content-type") ?? "";
  const multipart = /^multipart\//i.test(contentType);
  const raw = multipart ? null : utf8Text(bytes);
  const text = multipart ? utf8Multipart(bytes, contentType) : raw!.ok ? utf8Form(raw!.value) : raw!;
  if (!text.ok) return invalid(utf8Problem(text.field));
  try {
    const form = await new Response(bytes, { headers: { "content-type": contentType } }).formData();
    fields = {};
    // Attachment parts (files) are skipped: only text fields are read.
    for (const [k, v] of form.entries()) if (typeof v === "string") fields[k] = v;
  } catch {
    return invalid("body: not a form");
  }
  const sig = signatureFields.safeParse(fields);
  if (!sig.success) return rejected(401, "missing signature");
  const problem = await verify(sig.data, key);
  if (problem) return rejected(403, problem);
  const m = routeSchema.safeParse(fields);
  if (!m.success) return invalid(zodMessage(m.error));
  const d = m.data;
  const urn = senderUrn("sender", `mailto:${d.sender.trim()}`);
  if (!urn.ok) return invalid(urn.error);
  // stripped-text is the reply without the quoted thread and signature, which is what a flow wants.
  const body = d["stripped-text"] ?? d["body-plain"] ?? "";
  if (body.length > EMAIL_MAX_TEXT) return invalid(`body-plain: is longer than ${EMAIL_MAX_TEXT} characters`);
  const msg: InboundMessage = {
    channelUuid: channel.uuid,
    urn: urn.urn,
    text: body.trim() || (d.subject ?? ""),
    attachments: [],
    receivedOn: new Date(Number(d.timestamp) * 1000).toISOString(),
  };
  if (d["Message-Id"]) msg.externalId = bare(d["Message-Id"]);
  const name = displayName(d.from);
  if (name) msg.contactName = name;
  return accepted([msg], []);
}

export const email: Provider = {
  type: "email",
  configSchema: emailConfig,
  secretKeys: SECRETS,
  // A new Mailgun domain's reputation suffers from bursts; the channel's sendsPerSecond overrides it.
  defaultSendsPerSecond: 10,

  async handleWebhook(req, channel) {
    const cfg = emailConfig.safeParse(channel.config);
    if (!cfg.success) return rejected(403, "channel config invalid");
    // Events come as JSON, routed inbound mail as a form (multipart or urlencoded).
    if ((req.headers.get("content-type") ?? "").includes("application/json")) {
      const raw = utf8Text(await bodyBytes(req));
      return raw.ok ? handleEvents(raw.value, cfg.data.webhook_signing_key) : invalid(utf8Problem(raw.field));
    }
    return handleRoute(req, channel, cfg.data.webhook_signing_key);
  },

  async send(msg, channel, fetcher): Promise<SendResult> {
    const parsed = emailConfig.safeParse(channel.config);
    if (!parsed.success) return failure(`channel config invalid: ${zodMessage(parsed.error)}`);
    const cfg = parsed.data;
    const secrets = secretValues(cfg, SECRETS);
    if (urnScheme(msg.urn) !== "mailto") return failure(scrub(`cannot send to ${urnScheme(msg.urn)} URNs by email`, secrets));

    const form = new URLSearchParams({
      from: `${channel.name.replace(/[<>"]/g, "")} <${channel.address}>`,
      to: urnPath(msg.urn),
      subject: msg.subject?.trim() || cfg.subject,
      // Links and options are written into the text: Mailgun takes attachments only as uploaded files.
      text: textWithExtras(msg.text, msg.attachments, msg.quickReplies),
      "v:eddy-message": msg.uuid,
    });
    if (msg.inReplyTo) {
      form.set("h:In-Reply-To", `<${bare(msg.inReplyTo)}>`);
      form.set("h:References", `<${bare(msg.inReplyTo)}>`);
    }
    const base = (channel.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, "");
    const r = await callApi(
      fetcher,
      "mailgun",
      `${base}/v3/${cfg.domain}/messages`,
      { method: "POST", headers: { authorization: basicAuth("api", cfg.api_key), "content-type": "application/x-www-form-urlencoded" }, body: form.toString() },
      secrets,
      (b) => {
        const m = (b as { message?: unknown })?.message;
        return typeof m === "string" ? { message: m } : {};
      },
    );
    if (!r.ok) return r;
    const id = (r.body as { id?: unknown } | undefined)?.id;
    return typeof id === "string" ? { ok: true, externalId: bare(id) } : failure("mailgun: response without id");
  },
};
