/**
 * `send_whatsapp_form` (Eddy's own action, docs/whatsapp-forms.md): sends a WhatsApp form (Meta's
 * WhatsApp Flow) to the contact on the form's channel.
 *
 * ```json
 * {"uuid": "…", "type": "send_whatsapp_form", "form": {"uuid": "…", "name": "Booking"},
 *  "text": "Book your visit", "cta": "Book now", "screen": "PICK_SLOT", "data": {"branch": "@fields.branch"},
 *  "template": {"name": "visit_booking", "language": "en_US"}, "when_throttled": "fail", "result_name": "Booking Form"}
 * ```
 *
 * - `text` (the body), `cta` (the button, ≤ 30), `header`, `footer` and the values of `data` (the
 *   first screen's initial data) are templates. `screen` is the first screen; without it a form with
 *   an endpoint opens with an INIT request to its endpoint, one without at `FIRST_ENTRY_SCREEN`.
 * - Inside the contact's 24-hour window it goes as an interactive `flow` message; outside it only
 *   with `template` (an approved template with a FLOW button), which then goes instead.
 * - Every send gets a new `flow_token` (`ft_` + 32 hex), which comes back with the answer.
 * - The outcome is the result `result_name`, as goflow's webhook action reports its call: category
 *   `Success` (value: the flow_token) or `Failure` (value: the refusal's code, e.g. `outside_window`,
 *   with an `error` event saying why). The node's router splits on `@results.<name>.category`, so a
 *   refused send takes the failure exit. A refused send creates no message.
 * - `when_throttled`: while WhatsApp throttles the form (10 sends an hour), `fail` (the default)
 *   refuses beyond the allowance; `wait` queues the message until the allowance has room.
 *
 * Whether the form may go, and how, is decided outside the engine by the lookup the caller gives in
 * the session assets (`whatsapp_forms`): the form's status, its sends in the last hour and the
 * contact's last message on the channel are the contact object's to read.
 */
import { z } from "zod";
import { error } from "../events/diagnostics";
import { msgCreated } from "../events/msg";
import { truncate } from "../limits";
import { saveResult } from "../results";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { unsendableReason } from "./destinations";

const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID");

export const SendWhatsAppForm = z.looseObject({
  uuid,
  type: z.literal("send_whatsapp_form"),
  form: z.looseObject({ uuid, name: z.string() }),
  text: z.string().min(1, "needs a message body").max(4096),
  cta: z.string().min(1, "needs the button's text").max(200),
  header: z.string().max(200).optional(),
  footer: z.string().max(200).optional(),
  // Empty (an editor's cleared input) is no screen.
  screen: z.string().regex(/^([A-Za-z_]+)?$/, "must be a screen id: letters and underscores").max(128).optional(),
  data: z.record(z.string(), z.string()).optional(),
  template: z.looseObject({ name: z.string().min(1).max(512), language: z.string().min(2).max(15), variables: z.array(z.string()).max(20).optional() }).optional(),
  when_throttled: z.enum(["fail", "wait"]).optional(),
  result_name: z.string().min(1, "needs a result name: the router splits on its category"),
});

/** What the message carries for the channel: the form, the token and how it goes. */
export interface WhatsAppFormMsg {
  form: string;
  meta_id: string;
  flow_token: string;
  cta: string;
  mode: "interactive" | "template";
  uses_endpoint: boolean;
  screen?: string;
  data?: Record<string, string>;
  header?: string;
  footer?: string;
  template?: { name: string; language: string; variables?: string[] };
  /** ISO time: throttled with `when_throttled: wait`, the message goes then. */
  not_before?: string;
}

export interface WhatsAppFormCheck {
  form: string;
  contact: string;
  /** Whether a template may carry it outside the 24-hour window. */
  template: boolean;
  throttled: "fail" | "wait";
  /** The message being handled, if any: it opens the window, though the caller has not stored it yet. */
  input?: { channel?: string; created_on: string };
}

export type WhatsAppFormAnswer =
  | { ok: true; mode: "interactive" | "template"; meta_id: string; uses_endpoint: boolean; channel: string; not_before?: string }
  | { ok: false; reason: string; message: string };

/** The caller's lookup: may this form go to this contact now, and how. */
export type WhatsAppFormGate = (check: WhatsAppFormCheck) => Promise<WhatsAppFormAnswer>;

export async function execute(a: ActionOf<"send_whatsapp_form">, s: Scope): Promise<ActionOutcome> {
  const refuse = (reason: string, message: string) => {
    s.log(error(`WhatsApp form ${a.form.name} not sent: ${message}`));
    saveResult(s, a.result_name, reason, "Failure", "Failure", undefined, undefined);
  };
  const blocked = unsendableReason(s.session);
  if (blocked) return refuse(blocked, `the contact is ${s.session.contact.status}`);
  const gate = s.session.assets.source.whatsapp_forms;
  // Assets read from JSON (a replay's) may hold anything under this key: only a lookup counts.
  if (typeof gate !== "function") return refuse("unavailable", "WhatsApp forms are not available here");
  const input = s.session.json.input;
  const answer = await gate({
    form: a.form.uuid,
    contact: s.session.contact.uuid,
    template: !!a.template,
    throttled: a.when_throttled ?? "fail",
    ...(input ? { input: { channel: input.channel?.uuid, created_on: input.created_on } } : {}),
  });
  if (!answer.ok) return refuse(answer.reason, answer.message);
  const channel = s.session.assets.channel(answer.channel);
  // The form's channel: the contact's WhatsApp URN tied to it, else their first WhatsApp URN.
  const urns = (s.session.contact.urns ?? []).filter((u) => u.startsWith("whatsapp:"));
  const urn = urns.find((u) => u.includes(`channel=${answer.channel}`)) ?? urns[0];
  if (!channel || !urn) return refuse("no_destination", !channel ? "the form's channel is gone" : "the contact has no whatsapp URN");

  const rendered = (t: string | undefined, max: number) => (t === undefined ? undefined : truncate(s.text(t), max) || undefined);
  const data = a.data ? Object.fromEntries(Object.entries(a.data).map(([k, v]) => [k, s.text(v)])) : undefined;
  const flowToken = `ft_${s.session.services.uuid().replace(/-/g, "")}`;
  // WhatsApp's limits: the button 30 characters, header and footer 60.
  const [header, footer] = [rendered(a.header, 60), rendered(a.footer, 60)];
  const form: WhatsAppFormMsg = {
    form: a.form.uuid,
    meta_id: answer.meta_id,
    flow_token: flowToken,
    // WhatsApp refuses an empty button; a CTA that evaluates to nothing gets a plain one.
    cta: rendered(a.cta, 30) ?? "Open",
    mode: answer.mode,
    uses_endpoint: answer.uses_endpoint,
    ...(a.screen ? { screen: a.screen } : {}),
    ...(data && Object.keys(data).length ? { data } : {}),
    ...(header ? { header } : {}),
    ...(footer ? { footer } : {}),
    ...(answer.mode === "template" && a.template
      ? { template: { name: a.template.name, language: a.template.language, ...(a.template.variables?.length ? { variables: a.template.variables.map((v) => s.text(v)) } : {}) } }
      : {}),
    ...(answer.not_before ? { not_before: answer.not_before } : {}),
  };
  s.log(
    msgCreated({
      uuid: s.session.services.uuid(),
      urn: urn.split("?")[0],
      channel: { uuid: channel.uuid, name: channel.name },
      text: truncate(s.text(s.localized(a.uuid, "text", [a.text]).values[0] ?? a.text), 1024),
      whatsapp_form: form,
    }),
  );
  saveResult(s, a.result_name, flowToken, "Success", "Success", undefined, { flow_token: flowToken, mode: answer.mode, ...(answer.not_before ? { not_before: answer.not_before } : {}) });
}
