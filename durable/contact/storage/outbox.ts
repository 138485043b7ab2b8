import { pruneSettled } from "./prune";

/** Messages to send, in the order the flows created them. */
export type OutboxRow = {
  seq: number;
  uuid: string;
  channel_uuid: string | null;
  urn: string;
  text: string;
  attachments: string;
  quick_replies: string;
  in_reply_to: string | null;
  /** Emails (a flow's send_email): their subject. */
  subject: string | null;
  state: "pending" | "sent" | "failed" | "skipped";
  attempts: number;
  parts_sent: number;
  next_attempt_at: number;
  external_id: string | null;
  error: string | null;
  /** The flow whose run created it (its delivery window applies); null for API sends. */
  flow_uuid: string | null;
  /** Held by the flow's delivery window until then; messages of other flows go meanwhile. */
  held_until: number | null;
  /** The channel-wide send slot booked for it (durable/rate/channel-rate.ts). */
  rate_slot: number | null;
  /** JSON: a message part in the provider's own format, sent as it is (a WhatsApp form). */
  payload: string | null;
};

export interface NewOutbox {
  uuid: string;
  channelUuid: string | null;
  urn: string;
  text: string;
  attachments: string[];
  quickReplies: string[];
  inReplyTo: string | null;
  subject?: string;
  /** Stored as failed at once, with this error (e.g. no channel to send it through). */
  failed?: string;
  /** The flow whose run created it: its delivery window applies. */
  flowUuid?: string | null;
  /** Sent as it is instead of text and attachments (OutboundMessage.payload). */
  payload?: Record<string, unknown>;
  /** Held until then (a throttled WhatsApp form's next hour with room). */
  heldUntil?: number;
}

/** Sent and failed rows are kept this long (for the console and tests to look at), then dropped. */
const KEEP_DONE_MS = 24 * 3600_000;

export function add(sql: SqlStorage, m: NewOutbox, now: number): void {
  sql.exec(
    `INSERT OR IGNORE INTO outbox (uuid, channel_uuid, urn, text, attachments, quick_replies, in_reply_to, subject, next_attempt_at, created_at, flow_uuid, payload, held_until)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    m.uuid,
    m.channelUuid,
    m.urn,
    m.text,
    JSON.stringify(m.attachments),
    JSON.stringify(m.quickReplies),
    m.inReplyTo,
    m.subject ?? null,
    now,
    now,
    m.flowUuid ?? null,
    m.payload ? JSON.stringify(m.payload) : null,
    m.heldUntil ?? null,
  );
  if (m.failed) markFailed(sql, m.uuid, m.failed);
}

/**
 * The first unsent message of each channel, not held by a delivery window: later ones on the same
 * channel wait behind it, so a contact gets each channel's messages in order (a held message's
 * flow's later messages are held with it), while a retried email doesn't hold up their SMS.
 */
export function heads(sql: SqlStorage, now: number): OutboxRow[] {
  return sql
    .exec<OutboxRow>(
      `SELECT * FROM outbox o WHERE state = 'pending' AND (held_until IS NULL OR held_until <= ?1)
       AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.state = 'pending' AND (p.held_until IS NULL OR p.held_until <= ?1) AND p.channel_uuid = o.channel_uuid AND p.seq < o.seq)
       ORDER BY seq`,
      now,
    )
    .toArray();
}

/** The oldest channel head that may go now, if any. */
export function nextDue(sql: SqlStorage, now: number): OutboxRow | undefined {
  return heads(sql, now).find((r) => r.next_attempt_at <= now);
}

/** Messages on the channel that may go now and have no send slot yet: booked together with the head's. */
export function nextOnChannel(sql: SqlStorage, now: number, channelUuid: string, limit: number): OutboxRow[] {
  return sql
    .exec<OutboxRow>(
      `SELECT * FROM outbox WHERE state = 'pending' AND channel_uuid = ? AND rate_slot IS NULL AND next_attempt_at <= ? AND (held_until IS NULL OR held_until <= ?)
       ORDER BY seq LIMIT ?`,
      channelUuid,
      now,
      now,
      limit,
    )
    .toArray();
}

export function setRateSlot(sql: SqlStorage, uuid: string, slot: number | null): void {
  sql.exec("UPDATE outbox SET rate_slot = ? WHERE uuid = ?", slot, uuid);
}

/** Held for the delivery window: a booked slot is given up, a new one is booked when the window opens. */
export function hold(sql: SqlStorage, uuid: string, until: number): void {
  sql.exec("UPDATE outbox SET held_until = ?, rate_slot = NULL WHERE uuid = ?", until, uuid);
}

/** When the earliest held message's window opens. */
export function earliestHold(sql: SqlStorage, now: number): number | null {
  return sql.exec<{ t: number | null }>("SELECT min(held_until) AS t FROM outbox WHERE state = 'pending' AND held_until > ?", now).one().t;
}

export function markSent(sql: SqlStorage, uuid: string, externalId: string): void {
  sql.exec("UPDATE outbox SET state = 'sent', external_id = ?, error = NULL WHERE uuid = ?", externalId, uuid);
}

export function markFailed(sql: SqlStorage, uuid: string, error: string): void {
  sql.exec("UPDATE outbox SET state = 'failed', error = ? WHERE uuid = ?", error, uuid);
}

/** Not sent, on purpose (a do-not-contact address): not a failure. */
export function markSkipped(sql: SqlStorage, uuid: string, reason: string): void {
  sql.exec("UPDATE outbox SET state = 'skipped', error = ? WHERE uuid = ?", reason, uuid);
}

export function markRetry(sql: SqlStorage, uuid: string, at: number, partsSent: number, error: string): void {
  sql.exec("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, parts_sent = ?, error = ?, rate_slot = NULL WHERE uuid = ?", at, partsSent, error, uuid);
}

/** Holds the message back (rate limit) without counting an attempt; with the send slot it has booked, if any. */
export function defer(sql: SqlStorage, uuid: string, at: number, rateSlot: number | null = null): void {
  sql.exec("UPDATE outbox SET next_attempt_at = ?, rate_slot = coalesce(?, rate_slot) WHERE uuid = ?", at, rateSlot, uuid);
}

export function all(sql: SqlStorage): OutboxRow[] {
  return sql.exec<OutboxRow>("SELECT * FROM outbox ORDER BY seq").toArray();
}

export function prune(sql: SqlStorage, now: number): void {
  pruneSettled(sql, "outbox", "seq", now - KEEP_DONE_MS);
}

export interface Bucket {
  tokens: number;
  updatedAt: number;
}

export function bucket(sql: SqlStorage, channelUuid: string): Bucket | undefined {
  const r = sql.exec<{ tokens: number; updated_at: number }>("SELECT tokens, updated_at FROM send_rate WHERE channel_uuid = ?", channelUuid).toArray()[0];
  return r && { tokens: r.tokens, updatedAt: r.updated_at };
}

export function saveBucket(sql: SqlStorage, channelUuid: string, b: Bucket): void {
  sql.exec(
    "INSERT INTO send_rate (channel_uuid, tokens, updated_at) VALUES (?, ?, ?) ON CONFLICT (channel_uuid) DO UPDATE SET tokens = excluded.tokens, updated_at = excluded.updated_at",
    channelUuid,
    b.tokens,
    b.updatedAt,
  );
}
