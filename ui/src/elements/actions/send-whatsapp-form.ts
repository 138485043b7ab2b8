import type { SendWhatsAppForm } from "../../../../durable/engine/actions/send-whatsapp-form";
import type { ActionElement } from "../types";
import { clip } from "../summary";

type A = typeof SendWhatsAppForm._zod.output;

/** Eddy's send_whatsapp_form (docs/whatsapp-forms.md); a node with it routes on its result, like a webhook. */
export const sendWhatsAppForm: ActionElement<A> = {
  type: "send_whatsapp_form",
  name: "Send a WhatsApp form",
  group: "Messages",
  flowTypes: ["messaging", "messaging_background"],
  fields: [
    { key: "form", label: "WhatsApp form", kind: "ref", asset: "whatsapp_forms", required: true },
    { key: "text", label: "Message", kind: "text", expression: true, multiline: true, required: true, max: 1024 },
    { key: "cta", label: "Button", kind: "text", expression: true, required: true, max: 30, placeholder: "Book now" },
    { key: "header", label: "Header", kind: "text", expression: true, max: 60 },
    { key: "footer", label: "Footer", kind: "text", expression: true, max: 60 },
    { key: "screen", label: "First screen", kind: "text", max: 128, help: "its id; empty: the form's endpoint chooses, or its first screen" },
    { key: "data", label: "First screen's data", kind: "headers", item: "Data", help: "the screen's data, each value a template" },
    { key: "template.name", label: "Template outside the 24-hour window", kind: "text", max: 512, placeholder: "visit_booking", help: "an approved template with a FLOW button; empty: outside the window the send fails" },
    { key: "template.language", label: "Template language", kind: "text", max: 15, placeholder: "en_US" },
    { key: "template.variables", label: "Template variable", kind: "list", expression: true, max: 20, itemMax: 1024 },
    {
      key: "when_throttled",
      label: "While WhatsApp throttles the form (10 an hour)",
      kind: "select",
      options: [
        { value: "fail", label: "Fail beyond the allowance" },
        { value: "wait", label: "Wait for the next hour with room" },
      ],
    },
    { key: "result_name", label: "Result name", kind: "text", required: true, max: 64 },
  ],
  defaults: () => ({ form: { uuid: "", name: "" }, text: "", cta: "", when_throttled: "fail", result_name: "Form" }),
  summary: (a) => `${a.form.name || "?"}: ${clip(a.text, 60)}`,
  validate: (a) => [
    ...(a.form.uuid ? [] : ["choose a WhatsApp form"]), ...(a.screen && !/^[A-Za-z_]+$/.test(a.screen) ? ["the first screen is a screen id: letters and underscores"] : []),
    ...(a.template && !(a.template.name && a.template.language) ? ["a template needs its name and language"] : []),
  ],
  localizable: ["text"],
};
