import { msgCreated, type MsgOut, type QuickReply } from "../events/msg";
import type { QuickReplyDef } from "../flow/schema";
import { error } from "../events/diagnostics";
import { truncate } from "../limits";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { resolveDestinations, unsendableReason } from "./destinations";

/** Renders text, attachments and quick replies in the contact's language; empty ones are dropped. */
export function renderMessage(s: Scope, itemUUID: string, text: string, attachments: string[], quickReplies: QuickReplyDef[]) {
  const t = s.localized(itemUUID, "text", [text]);
  const renderedText = truncate(s.text(t.values[0] ?? text), s.session.limits.maxMsgChars);
  const renderedAttachments: string[] = [];
  for (const a of s.localized(itemUUID, "attachments", attachments).values) {
    const r = s.text(a);
    if (r === "" || r.endsWith(":")) s.log(error(`attachment text evaluated to empty string, skipping`, "invalid_value"));
    else renderedAttachments.push(r);
  }
  // goflow's newer shape: each quick reply is an object; a definition may still write plain texts.
  const renderedQuickReplies: QuickReply[] = [];
  for (const q of s.localized<QuickReplyDef>(itemUUID, "quick_replies", quickReplies).values) {
    const reply = typeof q === "string" ? { type: "text" as const, text: q } : { type: q.type ?? ("text" as const), text: q.text ?? "", extra: q.extra };
    const r = s.text(reply.text);
    if (r === "" && reply.type === "text") {
      s.log(error(`quick reply text evaluated to empty string, skipping`, "invalid_value"));
      continue;
    }
    const extra = reply.extra ? s.text(reply.extra) : "";
    renderedQuickReplies.push({ type: reply.type, ...(r ? { text: r } : {}), ...(extra ? { extra } : {}) });
  }
  return { text: renderedText, attachments: renderedAttachments, quickReplies: renderedQuickReplies, language: t.language };
}

/** `eng-US`: the message's language with the environment's country, as goflow sets `locale`. */
function locale(language: string, country: string | undefined): string | undefined {
  // `und`, `mul` (and a pre-13.2 `base`) are no language a channel can use.
  if (!/^[a-z]{3}$/.test(language) || language === "und" || language === "mul") return undefined;
  return country ? `${language}-${country}` : language;
}

export async function execute(a: ActionOf<"send_msg">, s: Scope): Promise<ActionOutcome> {
  const m = renderMessage(s, a.uuid, a.text, a.attachments ?? [], a.quick_replies ?? []);
  const base = {
    text: m.text,
    ...(m.attachments.length ? { attachments: m.attachments } : {}),
    ...(m.quickReplies.length ? { quick_replies: m.quickReplies } : {}),
  };
  const loc = locale(m.language, s.env.default_country);
  const reason = unsendableReason(s.session);
  const destinations = resolveDestinations(s.session, a.all_urns ?? false);
  for (const d of destinations) {
    const msg: MsgOut = {
      uuid: s.session.services.uuid(),
      urn: d.urn,
      channel: { uuid: d.channel.uuid, name: d.channel.name },
      ...base,
      ...(loc ? { locale: loc } : {}),
      ...(a.topic ? { topic: a.topic } : {}),
      ...(reason ? { unsendable_reason: reason } : {}),
    };
    s.log(msgCreated(msg));
  }
  // Without a destination the message is still created, for the caller to show or drop.
  if (destinations.length === 0) {
    s.log(msgCreated({ uuid: s.session.services.uuid(), ...base, ...(loc ? { locale: loc } : {}), unsendable_reason: reason ?? "no_destination" }));
  }
}
