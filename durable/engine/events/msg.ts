import type { WhatsAppFormMsg } from "../actions/send-whatsapp-form";
import type { EventBody, Ref } from "./base";

/** An outgoing message, goflow's `flows.MsgOut`. */
export interface MsgOut {
  uuid: string;
  urn?: string;
  channel?: Ref;
  text: string;
  attachments?: string[];
  quick_replies?: QuickReply[];
  locale?: string;
  topic?: string;
  unsendable_reason?: "no_destination" | "contact_blocked" | "contact_stopped" | "contact_archived";
  /** Eddy's send_whatsapp_form: the form the message opens. */
  whatsapp_form?: WhatsAppFormMsg;
  /** Eddy's, for Glific's send_interactive_msg: the widget, for channels that draw one (the options are the quick replies). */
  interactive?: InteractiveMsg;
}

/**
 * An interactive message's widget: the text is its body and the quick replies its options (a
 * location request: one of type location). A list's rows are its quick replies' texts, in order.
 */
export type InteractiveMsg =
  | { type: "buttons"; header?: string }
  | { type: "list"; header?: string; button: string; sections: { title?: string; rows: { title: string; description?: string }[] }[] }
  | { type: "location_request" };

/** goflow's quick reply, an object since goflow's newer shape: a text to tap, or a request for the contact's location. */
export interface QuickReply {
  type: "text" | "location";
  text?: string;
  extra?: string;
}

/** What a channel shows for quick replies: their texts (a location request without one shows none). */
export const quickReplyTexts = (replies: readonly (QuickReply | string)[] | undefined): string[] =>
  (replies ?? []).flatMap((q) => (typeof q === "string" ? [q] : q.text ? [q.text] : []));

/** An incoming message, goflow's `flows.MsgIn`. */
export interface MsgIn {
  uuid: string;
  id?: number;
  urn?: string;
  channel?: Ref | null;
  text: string;
  attachments?: string[];
  external_id?: string;
  /** Eddy's: a submitted WhatsApp form's fields (nfm_reply), read as `@input.form.<field>`. */
  form?: Record<string, unknown>;
}

export const msgCreated = (msg: MsgOut): EventBody<"msg_created", { msg: MsgOut }> => ({ type: "msg_created", msg });

export const msgReceived = (msg: MsgIn): EventBody<"msg_received", { msg: MsgIn }> => ({ type: "msg_received", msg });

export interface MsgWaitFields {
  timeout_seconds?: number;
  expires_on?: string;
  hint?: { type: string; [k: string]: unknown };
}

export const msgWait = (f: MsgWaitFields): EventBody<"msg_wait", MsgWaitFields> => ({ type: "msg_wait", ...f });

export interface BroadcastTranslation {
  text: string;
  attachments?: string[];
  quick_replies?: QuickReply[];
}

export interface BroadcastFields {
  translations: Record<string, BroadcastTranslation>;
  base_language: string;
  urns?: string[];
  contacts?: { uuid: string; name?: string }[];
  groups?: Ref[];
  contact_query?: string;
  template?: Ref;
  template_variables?: string[];
}

export const broadcastCreated = (f: BroadcastFields): EventBody<"broadcast_created", BroadcastFields> => ({
  type: "broadcast_created",
  ...f,
});
