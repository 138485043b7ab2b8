import type { InboundMessage } from "../../../worker/channels/types";
import { pruneSettled } from "./prune";

/** Redeliveries without a provider id: the same text from the same URN within this window is one message. */
export const CONTENT_WINDOW_MS = 30_000;
/** How long accepted messages are remembered for de-duplication (Meta redelivers for up to 7 days). */
export const DEDUPE_KEEP_MS = 7 * 24 * 3600_000;
/** A message whose processing failed this many times is set aside, so one bad message can't block the rest. */
export const MAX_ATTEMPTS = 5;

export type InboxRow = {
  id: number;
  uuid: string;
  channel_uuid: string;
  urn: string;
  external_key: string | null;
  text: string;
  attachments: string;
  received_on: string;
  contact_name: string | null;
  /** JSON: a submitted WhatsApp form's fields (InboundMessage.form). */
  form: string | null;
  attempts: number;
  created_at: number;
};

export type Accepted = { uuid: string; duplicate: boolean };

/**
 * Stores a message unless it was seen already (same provider id on the channel, or same text from
 * the same URN within the content window). Returns the stored uuid, or the first copy's.
 */
export function accept(sql: SqlStorage, m: InboundMessage, now: number): Accepted {
  const key = m.externalId ? `${m.channelUuid}:${m.externalId}` : null;
  const seen = key
    ? sql.exec<{ uuid: string }>("SELECT uuid FROM inbox WHERE external_key = ?", key).toArray()[0]
    : sql
        .exec<{ uuid: string }>("SELECT uuid FROM inbox WHERE urn = ? AND created_at >= ? AND text = ? AND attachments = ?", m.urn, now - CONTENT_WINDOW_MS, m.text, JSON.stringify(m.attachments))
        .toArray()[0];
  if (seen) return { uuid: seen.uuid, duplicate: true };
  const uuid = crypto.randomUUID();
  sql.exec(
    `INSERT INTO inbox (uuid, channel_uuid, urn, external_key, text, attachments, received_on, contact_name, created_at, form)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    uuid,
    m.channelUuid,
    m.urn,
    key,
    m.text,
    JSON.stringify(m.attachments),
    m.receivedOn,
    m.contactName ?? null,
    now,
    m.form ? JSON.stringify(m.form) : null,
  );
  return { uuid, duplicate: false };
}

/** The oldest message not yet handled: the inbox is processed strictly in arrival order. */
export function nextPending(sql: SqlStorage): InboxRow | undefined {
  return sql.exec<InboxRow>("SELECT * FROM inbox WHERE state = 'pending' ORDER BY id LIMIT 1").toArray()[0];
}

export function hasPending(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM inbox WHERE state = 'pending' LIMIT 1").toArray().length > 0;
}

export function markDone(sql: SqlStorage, id: number, state: "done" | "dropped" = "done"): void {
  sql.exec("UPDATE inbox SET state = ? WHERE id = ?", state, id);
}

/** Counts a failed try; past MAX_ATTEMPTS the message is set aside as 'failed'. */
export function markAttempt(sql: SqlStorage, id: number): void {
  sql.exec("UPDATE inbox SET attempts = attempts + 1, state = CASE WHEN attempts + 1 >= ? THEN 'failed' ELSE state END WHERE id = ?", MAX_ATTEMPTS, id);
}

export function prune(sql: SqlStorage, now: number): void {
  pruneSettled(sql, "inbox", "id", now - DEDUPE_KEEP_MS);
}
