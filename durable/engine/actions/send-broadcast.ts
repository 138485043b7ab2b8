import { broadcastCreated, type BroadcastTranslation } from "../events/msg";
import type { Ref } from "../events/base";
import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { quoteQueryValue } from "./query";

/** A message to other contacts: rendered in every language the flow has, sent by the caller. */
export async function execute(a: ActionOf<"send_broadcast">, s: Scope): Promise<ActionOutcome> {
  const base = s.flow.definition.language;
  const languages = [base, ...Object.keys(s.flow.definition.localization ?? {}).filter((l) => l !== base)];
  const translations: Record<string, BroadcastTranslation> = {};
  for (const lang of languages) {
    const local = (key: string, native: string[]) =>
      lang === base ? native : (s.flow.definition.localization?.[lang]?.[a.uuid]?.[key] ?? (key === "text" ? [] : native));
    const text = local("text", [a.text])[0];
    if (text === undefined) continue;
    const attachments = local("attachments", a.attachments ?? []).map((t) => s.text(t)).filter((t) => t !== "");
    const quickReplies = local("quick_replies", a.quick_replies ?? []).map((t) => s.text(t)).filter((t) => t !== "");
    translations[lang] = {
      text: s.text(text),
      ...(attachments.length ? { attachments } : {}),
      ...(quickReplies.length ? { quick_replies: quickReplies.map((text) => ({ type: "text" as const, text })) } : {}),
    };
  }

  const urns = (a.urns ?? []).map((u) => s.text(u)).filter((u) => u !== "");
  for (const v of a.legacy_vars ?? []) {
    const r = s.text(v).trim();
    if (r !== "") urns.push(r.includes(":") ? r : `tel:${r}`);
  }
  const groups: Ref[] = [];
  for (const g of a.groups ?? []) {
    const found = "name_match" in g ? s.session.assets.group({ name: s.text(String(g.name_match)) }) : s.session.assets.group(g as Ref);
    if (found) groups.push({ uuid: found.uuid, name: found.name });
    else s.log(error(`no such group: ${"name_match" in g ? String(g.name_match) : (g as Ref).name}`, "missing_dependency"));
  }
  const contacts = (a.contacts ?? []).map((c) => ({ uuid: c.uuid, ...(c.name ? { name: c.name } : {}) }));
  const query = a.contact_query ? s.text(a.contact_query, quoteQueryValue) : "";
  if (urns.length === 0 && groups.length === 0 && contacts.length === 0 && query === "") return;

  s.log(
    broadcastCreated({
      translations,
      base_language: base,
      // A WhatsApp template goes with the broadcast, its variables rendered for this contact.
      ...(a.template ? { template: { uuid: a.template.uuid, name: a.template.name } } : {}),
      ...(a.template && a.template_variables?.length ? { template_variables: a.template_variables.map((v) => s.text(v)) } : {}),
      ...(urns.length ? { urns } : {}),
      ...(contacts.length ? { contacts } : {}),
      ...(groups.length ? { groups } : {}),
      ...(query ? { contact_query: query } : {}),
    }),
  );
}
