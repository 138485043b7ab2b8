import type { WhatsAppFormMsg } from "../../durable/engine/actions/send-whatsapp-form";
import type { FormStatus } from "./events";

/** WhatsApp's allowance for a throttled form: 10 messages per hour. */
export const THROTTLED_PER_HOUR = 10;
/** The customer service window: an interactive message goes only within 24 hours of the contact's last message. */
export const WINDOW_MS = 24 * 3600 * 1000;

export type Refusal = { status: 409 | 429; code: string; message: string };

/**
 * Why a form may not be sent now, checked by Eddy before WhatsApp refuses (132068 blocked, 132069
 * throttled): a deprecated or blocked form never, a draft only as a test, a throttled one within
 * its hourly allowance, and an interactive message only inside the 24-hour window (outside it,
 * only a template with a flow button, when there is one).
 */
export function refusal(form: { uuid: string; status: FormStatus }, test: boolean, sendsLastHour: number, lastInbound: string | null, now: number, template = false): Refusal | null {
  switch (form.status) {
    case "DEPRECATED":
      return { status: 409, code: "form_deprecated", message: `WhatsApp form ${form.uuid} is deprecated: it is no longer sent` };
    case "BLOCKED":
      return { status: 409, code: "form_blocked", message: `WhatsApp form ${form.uuid} is blocked by WhatsApp (its endpoint is unhealthy): none go out until it recovers` };
    case "DRAFT":
      if (!test) return { status: 409, code: "form_draft", message: `WhatsApp form ${form.uuid} is a draft: publish it, or send it as a test (test: true)` };
      break;
    case "THROTTLED":
      if (sendsLastHour >= THROTTLED_PER_HOUR) return { status: 429, code: "form_throttled", message: `WhatsApp form ${form.uuid} is throttled by WhatsApp: ${THROTTLED_PER_HOUR} sends per hour, all used; try again within the hour` };
      break;
    case "PUBLISHED":
      break;
  }
  if (test && form.status !== "DRAFT") return { status: 409, code: "conflict", message: `WhatsApp form ${form.uuid} is ${form.status}: only a draft is sent as a test` };
  if (!inWindow(lastInbound, now) && !template) {
    return { status: 409, code: "outside_window", message: "the contact has not written on this channel in the last 24 hours: WhatsApp takes an interactive form only inside the customer service window; send it with a template that has a flow button" };
  }
  return null;
}

/** Whether the contact wrote on the channel in the last 24 hours (the customer service window). */
export const inWindow = (lastInbound: string | null, now: number) => !!lastInbound && now - Date.parse(lastInbound) <= WINDOW_MS;

export type SendOptions = { text: string; cta: string; header?: string; footer?: string; screen?: string; data?: Record<string, unknown>; test: boolean };

/** The interactive `flow` message (Cloud API), as Meta documents it. */
export function interactiveForm(metaId: string, to: string, flowToken: string, usesEndpoint: boolean, o: SendOptions): Record<string, unknown> {
  // A form with an endpoint opens with an INIT request to it; one without goes straight to its screen with the data given here.
  const action = usesEndpoint && !o.screen ? { flow_action: "data_exchange" } : { flow_action: "navigate", flow_action_payload: { screen: o.screen ?? "FIRST_ENTRY_SCREEN", ...(o.data && Object.keys(o.data).length ? { data: o.data } : {}) } };
  return {
    to,
    type: "interactive",
    interactive: {
      type: "flow",
      ...(o.header ? { header: { type: "text", text: o.header } } : {}),
      body: { text: o.text },
      ...(o.footer ? { footer: { text: o.footer } } : {}),
      action: { name: "flow", parameters: { flow_message_version: "3", flow_token: flowToken, flow_id: metaId, flow_cta: o.cta, ...action, mode: o.test ? "draft" : "published" } },
    },
  };
}

export type TemplateOptions = { name: string; language: string; variables?: string[] };

/**
 * A template message with a FLOW button (Cloud API), for outside the 24-hour window: the template
 * (approved at Meta, its button bound to the form) carries the token and the first screen's data.
 */
export function templateForm(flowToken: string, t: TemplateOptions, data?: Record<string, unknown>): Record<string, unknown> {
  const components: Record<string, unknown>[] = [];
  if (t.variables?.length) components.push({ type: "body", parameters: t.variables.map((text) => ({ type: "text", text })) });
  components.push({
    type: "button",
    sub_type: "flow",
    index: "0",
    parameters: [{ type: "action", action: { flow_token: flowToken, ...(data && Object.keys(data).length ? { flow_action_data: data } : {}) } }],
  });
  return { type: "template", template: { name: t.name, language: { code: t.language }, components } };
}

/** The message part a flow's send_whatsapp_form goes as (without `to`: the channel adds it). */
export function formPart(f: WhatsAppFormMsg, text: string): Record<string, unknown> {
  if (f.mode === "template" && f.template) return templateForm(f.flow_token, f.template, f.data);
  const { to: _, ...part } = interactiveForm(f.meta_id, "", f.flow_token, f.uses_endpoint, { text, cta: f.cta, header: f.header, footer: f.footer, screen: f.screen, data: f.data, test: false });
  return part;
}
