import type { Statement } from "../../durable/contact/storage/journal";
import type { MsgOut } from "../../durable/engine";
import { formPart } from "./send";

/** A flow's form message as the outbox keeps it: the part to send, and when it may go. */
export function formOutbox(msg: MsgOut): { payload: Record<string, unknown>; heldUntil?: number } | undefined {
  const f = msg.whatsapp_form;
  if (!f) return undefined;
  return { payload: formPart(f, msg.text), ...(f.not_before ? { heldUntil: Date.parse(f.not_before) } : {}) };
}

/** The send's row, written with the message: answers are matched to it and a throttled form's sends counted on it. */
export function formSendRow(contactUuid: string, msg: MsgOut, nowIso: string): Statement | undefined {
  const f = msg.whatsapp_form;
  if (!f || !msg.urn) return undefined;
  return {
    sql: "INSERT OR IGNORE INTO whatsapp_form_sends (flow_token, form_uuid, contact_uuid, urn, message_uuid, sent_on) VALUES (?, ?, ?, ?, ?, ?)",
    params: [f.flow_token, f.form, contactUuid, msg.urn, msg.uuid, f.not_before ?? nowIso],
  };
}

/** Once WhatsApp accepted it: its id, which an answer without a token carries as context.id. */
export function formSentRow(messageUuid: string, externalId: string): Statement {
  return { sql: "UPDATE whatsapp_form_sends SET external_id = ? WHERE message_uuid = ?", params: [externalId, messageUuid] };
}
