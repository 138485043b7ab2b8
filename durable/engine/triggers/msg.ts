import type { MsgIn } from "../events/msg";
import type { InputJSON } from "../session/types";
import type { TriggerBase } from "./base";

/** A flow started by an incoming message (keyword or catch-all). */
export interface MsgTrigger extends TriggerBase {
  type: "msg";
  msg: MsgIn;
  keyword_match?: { type: "first_word" | "only_word"; keyword: string };
}

/** The triggering message is the session's first input (goflow's `MsgTrigger.InitializeRun`). */
export function msgTriggerInput(t: MsgTrigger, createdOn: string): InputJSON {
  return {
    type: "msg",
    uuid: t.msg.uuid,
    channel: t.msg.channel ?? null,
    created_on: createdOn,
    ...(t.msg.urn ? { urn: t.msg.urn } : {}),
    text: t.msg.text ?? "",
    attachments: t.msg.attachments ?? [],
    ...(t.msg.external_id ? { external_id: t.msg.external_id } : {}),
    ...(t.msg.form ? { form: t.msg.form } : {}),
  };
}

/**
 * goflow's current `msg` triggers and resumes carry the message in a `msg_received` event
 * (`{"type": "msg", "event": {"type": "msg_received", "msg": {...}}}`); older ones carry `msg`.
 * Both are read: the message is put where the engine looks for it.
 */
export function withMsg<T extends { type: string }>(input: T): T {
  const x = input as T & { msg?: MsgIn; event?: { type?: string; msg?: MsgIn } };
  if (x.type !== "msg" || x.msg || !x.event?.msg) return input;
  return { ...x, msg: x.event.msg };
}
