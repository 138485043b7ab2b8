import type { z } from "zod";
import type { FormEvent } from "../whatsapp-forms/events";

export type ChannelType = "twilio" | "twilio_whatsapp" | "whatsapp_cloud" | "telegram" | "vonage" | "generic" | "email";

export const CHANNEL_TYPES: readonly ChannelType[] = ["twilio", "twilio_whatsapp", "whatsapp_cloud", "telegram", "vonage", "generic", "email"];

export interface Channel {
  uuid: string;
  type: ChannelType;
  name: string;
  /** The channel's own address: a phone number (E.164), a bot username, an email address... */
  address: string;
  /** Validated by the provider's configSchema on every use; holds the secrets too. */
  config: Record<string, unknown>;
  /** Overrides the provider's API base URL (tests, proxies, providers that speak the same API). */
  baseUrl?: string;
  sendsPerSecond?: number;
}

export interface InboundMessage {
  channelUuid: string;
  /** "tel:+250788123123", "whatsapp:250788123123", "telegram:12345", "mailto:a@b.org", ... */
  urn: string;
  /** The provider's message id, used to de-duplicate redeliveries. */
  externalId?: string;
  text: string;
  /**
   * goflow attachments, "content-type:url". A url of the form "media:{id}" is media held by the
   * provider behind the channel's credentials: download it with the provider's fetchMedia.
   * Locations are "geo:lat,long".
   */
  attachments: string[];
  /** ISO 8601. */
  receivedOn: string;
  contactName?: string;
  /** A completed WhatsApp Flow form (nfm_reply): its fields; text then holds the raw JSON. */
  form?: Record<string, unknown>;
  /** The provider's id of the message this one answers (WhatsApp's context.id): ties a form's answer to its send. */
  replyTo?: string;
}

export type MessageStatus = "wired" | "sent" | "delivered" | "read" | "failed" | "errored";

export interface StatusUpdate {
  /** The id the provider gave the message when it was sent (SendResult.externalId). */
  externalId: string;
  status: MessageStatus;
  error?: string;
  at?: string;
}

export type WebhookResult =
  | { kind: "rejected"; status: 401 | 403; reason: string }
  | { kind: "invalid"; status: 400; error: string }
  | {
      kind: "accepted";
      messages: InboundMessage[];
      statuses: StatusUpdate[];
      /** What the provider expects back once the caller has stored the messages and statuses. */
      response: Response;
      /** WhatsApp forms' status changes and endpoint alerts (Meta's `flows` webhook field). */
      formEvents?: FormEvent[];
    };

export interface OutboundMessage {
  /** Eddy's message id; used as the idempotency key or client reference where the provider has one. */
  uuid: string;
  urn: string;
  text: string;
  attachments: string[];
  quickReplies: string[];
  /** Where the provider should post status callbacks, for providers that take it per message (Twilio). */
  statusUrl?: string;
  /** The externalId of the inbound message this answers (email threads on it). */
  inReplyTo?: string;
  /** The subject, for channels that have one (email); without it the channel's default applies. */
  subject?: string;
  /**
   * Some messages go out as several provider requests (e.g. one per attachment). After a failure
   * with partsSent = n, retry with fromPart = n so the parts already accepted are not sent twice.
   */
  fromPart?: number;
  /** A message part in the provider's own format, sent instead of text and attachments (WhatsApp Cloud: a form, worker/whatsapp-forms/send.ts). */
  payload?: Record<string, unknown>;
}

export type SendResult =
  | { ok: true; externalId: string }
  | {
      ok: false;
      /** 429, 5xx and network errors; other 4xx are not worth retrying. */
      retryable: boolean;
      retryAfterSeconds?: number;
      /** Never contains a secret. */
      error: string;
      /** Set when a multi-part send failed after some parts were accepted. */
      partsSent?: number;
    };

export type Fetcher = typeof fetch;

export interface Provider {
  type: ChannelType;
  configSchema: z.ZodObject;
  /** Config keys that are write-only: never returned by the API, never in an error string. */
  secretKeys: readonly string[];
  /** The provider's usual throughput, used when a channel sets no sendsPerSecond. */
  defaultSendsPerSecond: number;
  /** publicUrl is the URL the provider called (and signed), including any query string. */
  handleWebhook(req: Request, channel: Channel, publicUrl: string): Promise<WebhookResult>;
  /** Answers a provider's webhook verification handshake (Meta's GET hub.challenge); null if req is not one. */
  handleVerification?(req: Request, channel: Channel): Response | null;
  send(msg: OutboundMessage, channel: Channel, fetcher: Fetcher): Promise<SendResult>;
  /** Downloads provider-held media referenced by an attachment url "media:{id}". */
  fetchMedia?(mediaId: string, channel: Channel, fetcher: Fetcher): Promise<Response>;
}
