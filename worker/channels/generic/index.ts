import { z } from "zod";
import { hmac, safeEqual, toHex } from "../shared/crypto";
import { callApi, failure, secretValues } from "../shared/send";
import { httpUrl, isGeo, mimeType, providerId, senderName, senderUrn } from "../shared/fields";
import { bodyBytes, utf8Problem, utf8Text } from "../shared/utf8";
import { accepted, invalid, parseJson, rejected, zodMessage } from "../shared/webhook";
import type { InboundMessage, Provider, SendResult, StatusUpdate } from "../types";

export const genericConfig = z.object({
  /** Signs both directions: X-Eddy-Signature: sha256=<hex HMAC-SHA256 of the raw body>. */
  secret: z.string().min(16, "at least 16 characters"),
  /** Where Eddy POSTs outgoing messages. */
  send_url: z.url({ protocol: /^https?$/ }),
  /** The URN scheme given to a "from" that has none (e.g. "ext" makes "abc" into "ext:abc"). */
  urn_scheme: z
    .string()
    .regex(/^[a-z][a-z0-9]*$/)
    .default("ext"),
});
const SECRETS = ["secret"] as const;

// Eddy's own format, so its limits are Eddy's: the text as long as POST /messages/send takes, ten
// attachments, ids and URNs of 255 characters.
export const GENERIC_MAX_TEXT = 10_000;

const text = (max: number) => z.string().max(max, `is longer than ${max} characters`);

/** "image/jpeg:https://..." (http or https) or "geo:lat,long". */
const attachment = z.string().refine((a) => {
  if (a.startsWith("geo:")) return isGeo(a);
  const i = a.indexOf(":");
  return i > 0 && mimeType.safeParse(a.slice(0, i)).success && httpUrl.safeParse(a.slice(i + 1)).success;
}, 'must be "content-type:http(s) URL" like "image/jpeg:https://..." or "geo:lat,long"');

const inboundSchema = z.object({
  from: z.string().min(1).max(255),
  text: text(GENERIC_MAX_TEXT).default(""),
  id: providerId(255).optional(),
  attachments: z.array(attachment).max(10).default([]),
  name: senderName(128).optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
});

const statusSchema = z.object({
  id: providerId(255),
  status: z.enum(["wired", "sent", "delivered", "read", "failed", "errored"]),
  error: text(1024).optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
});

export async function eddySignature(secret: string, body: string | Uint8Array<ArrayBuffer>): Promise<string> {
  return "sha256=" + toHex(await hmac("SHA-256", secret, body));
}

export const generic: Provider = {
  type: "generic",
  configSchema: genericConfig,
  secretKeys: SECRETS,
  // Unknown receivers get a gentle default; the channel's sendsPerSecond overrides it.
  defaultSendsPerSecond: 10,

  async handleWebhook(req, channel) {
    const cfg = genericConfig.safeParse(channel.config);
    if (!cfg.success) return rejected(403, "channel config invalid");
    const header = req.headers.get("x-eddy-signature");
    if (!header) return rejected(401, "missing X-Eddy-Signature");
    const bytes = await bodyBytes(req);
    if (!safeEqual(header.toLowerCase(), await eddySignature(cfg.data.secret, bytes))) return rejected(403, "bad X-Eddy-Signature");
    const raw = utf8Text(bytes);
    if (!raw.ok) return invalid(utf8Problem(raw.field));

    const json = parseJson(raw.value);
    if (!json.ok) return invalid("body: not JSON");
    const body = json.value;
    // Statuses ({"id","status"}) and messages ({"from","text"}) are told apart by their fields, so either path takes either.
    if (body && typeof body === "object" && "status" in body && !("from" in body)) {
      const s = statusSchema.safeParse(body);
      if (!s.success) return invalid(zodMessage(s.error));
      const update: StatusUpdate = { externalId: s.data.id, status: s.data.status };
      if (s.data.error) update.error = s.data.error;
      if (s.data.timestamp) update.at = new Date(s.data.timestamp).toISOString();
      return accepted([], [update]);
    }
    const m = inboundSchema.safeParse(body);
    if (!m.success) return invalid(zodMessage(m.error));
    // "whatsapp:" with nothing after it is a URN missing its path, not an ext: address.
    const urn = senderUrn("from", /^[a-z][a-z0-9]*:/.test(m.data.from) ? m.data.from : `${cfg.data.urn_scheme}:${m.data.from}`);
    if (!urn.ok) return invalid(urn.error);
    const msg: InboundMessage = {
      channelUuid: channel.uuid,
      urn: urn.urn,
      text: m.data.text,
      attachments: m.data.attachments,
      receivedOn: m.data.timestamp ? new Date(m.data.timestamp).toISOString() : new Date().toISOString(),
    };
    if (m.data.id) msg.externalId = m.data.id;
    if (m.data.name) msg.contactName = m.data.name;
    return accepted([msg], []);
  },

  async send(msg, channel, fetcher): Promise<SendResult> {
    const parsed = genericConfig.safeParse(channel.config);
    if (!parsed.success) return failure(`channel config invalid: ${zodMessage(parsed.error)}`);
    const cfg = parsed.data;
    let url = cfg.send_url;
    if (channel.baseUrl) {
      // A base URL override replaces the origin and keeps the configured path.
      const u = new URL(cfg.send_url);
      url = channel.baseUrl.replace(/\/+$/, "") + u.pathname + u.search;
    }
    const body = JSON.stringify({ id: msg.uuid, from: channel.address, to: msg.urn, text: msg.text, attachments: msg.attachments, quick_replies: msg.quickReplies });
    const r = await callApi(
      fetcher,
      "generic",
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "x-eddy-signature": await eddySignature(cfg.secret, body), "idempotency-key": msg.uuid },
        body,
      },
      secretValues(cfg, SECRETS),
      (b) => {
        const e = (b as { error?: unknown })?.error;
        return typeof e === "string" ? { message: e } : {};
      },
    );
    if (!r.ok) return r;
    const id = (r.body as { id?: unknown } | undefined)?.id;
    // The receiver may keep Eddy's id as its own: then statuses refer to Eddy's id.
    return { ok: true, externalId: typeof id === "string" && id ? id : msg.uuid };
  },
};
