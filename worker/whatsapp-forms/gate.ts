import type { SessionAssets } from "../../durable/engine";
import type { WhatsAppFormAnswer, WhatsAppFormGate } from "../../durable/engine/actions/send-whatsapp-form";
import type { FormStatus } from "./events";
import { inWindow, refusal, THROTTLED_PER_HOUR } from "./send";

const HOUR_MS = 3600_000;

/**
 * The contact object's answer to a flow's send_whatsapp_form: the same rules as the API's send
 * (send.ts `refusal`), from one D1 batch: the form, its last sends and the contact's last message on
 * its channel. The message being handled counts as the last one: D1 gets it only after the sprint.
 * While throttled, `wait` books the next hour slot with room instead of refusing.
 */
export function formGate(db: D1Database, contactUuid: string, now: () => number): WhatsAppFormGate {
  return async (check): Promise<WhatsAppFormAnswer> => {
    const at = now();
    const [forms, sends, inbound] = await db.batch([
      db.prepare("SELECT uuid, channel_uuid, meta_id, status, uses_endpoint FROM whatsapp_forms WHERE uuid = ?").bind(check.form),
      // Held sends (sent_on ahead) count too: they use the hour they go in.
      db.prepare("SELECT sent_on FROM whatsapp_form_sends WHERE form_uuid = ? AND sent_on > ? ORDER BY sent_on DESC LIMIT ?").bind(check.form, new Date(at - HOUR_MS).toISOString(), THROTTLED_PER_HOUR),
      db
        .prepare("SELECT max(m.created_on) AS last FROM messages m JOIN whatsapp_forms f ON f.channel_uuid = m.channel_uuid WHERE f.uuid = ? AND m.contact_uuid = ? AND m.direction = 'in'")
        .bind(check.form, contactUuid),
    ]);
    const form = forms.results[0] as { uuid: string; channel_uuid: string; meta_id: string; status: FormStatus; uses_endpoint: number } | undefined;
    if (!form) return { ok: false, reason: "form_not_found", message: `there is no WhatsApp form ${check.form}` };
    const recent = (sends.results as { sent_on: string }[]).map((r) => r.sent_on);
    let last = (inbound.results[0] as { last: string | null } | undefined)?.last ?? null;
    if (check.input?.channel === form.channel_uuid && check.input.created_on && (!last || check.input.created_on > last)) last = check.input.created_on;

    const full = form.status === "THROTTLED" && recent.length >= THROTTLED_PER_HOUR;
    const waits = full && check.throttled === "wait";
    const refused = refusal(form, false, waits ? 0 : recent.length, last, at, check.template);
    if (refused) return { ok: false, reason: refused.code, message: refused.message };
    // The 10 latest sends fill an hour: the next one goes an hour after the oldest of them.
    const notBefore = waits ? new Date(Date.parse(recent[recent.length - 1]) + HOUR_MS).toISOString() : undefined;
    return {
      ok: true,
      mode: inWindow(last, at) ? "interactive" : "template",
      meta_id: form.meta_id,
      uses_endpoint: !!form.uses_endpoint,
      channel: form.channel_uuid,
      ...(notBefore ? { not_before: notBefore } : {}),
    };
  };
}

/** The session assets with the gate for this contact: a lookup made only when a flow sends a form. */
export function withFormGate(assets: SessionAssets, db: D1Database, contactUuid: string, now: () => number): SessionAssets {
  return { ...assets, whatsapp_forms: formGate(db, contactUuid, now) };
}
