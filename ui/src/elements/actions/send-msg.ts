import type { SendMsg } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip, plural } from "../summary";

type A = typeof SendMsg._zod.output;

export const sendMsg: ActionElement<A> = {
  type: "send_msg",
  name: "Send message",
  group: "Messages",
  fields: [
    { key: "text", label: "Message", kind: "text", expression: true, multiline: true, max: 10000, required: true },
    { key: "attachments", label: "Attachments", kind: "list", expression: true, max: 10, itemMax: 2048, placeholder: "image/jpeg:https://… or @(…)", help: "content type:URL, one a line" },
    { key: "quick_replies", label: "Quick replies", kind: "list", expression: true, max: 10, itemMax: 64 },
    { key: "all_urns", label: "Send to all of the contact's URNs", kind: "checkbox" },
    { key: "template", label: "WhatsApp template", kind: "ref", asset: "templates" },
    { key: "template_variables", label: "Template variables", kind: "list", expression: true, help: "{{1}}, {{2}}… in order" },
    {
      key: "topic",
      label: "Topic (Facebook)",
      kind: "select",
      options: [
        { value: "", label: "none" },
        { value: "event", label: "event" },
        { value: "account", label: "account" },
        { value: "purchase", label: "purchase" },
        { value: "agent", label: "agent" },
      ],
    },
  ],
  defaults: () => ({ text: "" }),
  summary: (a) =>
    [clip(a.text) || "(no text)", a.attachments?.length ? plural(a.attachments.length, "attachment") : "", a.quick_replies?.length ? `replies: ${a.quick_replies.join(" · ")}` : "", a.template ? `template ${a.template.name}` : ""]
      .filter(Boolean)
      .join("\n"),
  validate: (a) => (a.text.trim() || a.attachments?.length || a.template ? [] : ["the message is empty"]),
  localizable: ["text", "attachments", "quick_replies", "template_variables"],
};
