import type { SendBroadcast } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip, names } from "../summary";

type A = typeof SendBroadcast._zod.output;

export const sendBroadcast: ActionElement<A> = {
  type: "send_broadcast",
  name: "Send a message to others",
  group: "Messages",
  fields: [
    { key: "text", label: "Message", kind: "text", expression: true, multiline: true, max: 10000, required: true },
    { key: "attachments", label: "Attachments", kind: "list", expression: true, max: 10, itemMax: 2048 },
    { key: "quick_replies", label: "Quick replies", kind: "list", expression: true, max: 10, itemMax: 64 },
    { key: "groups", label: "To groups", kind: "ref", asset: "groups", multiple: true },
    { key: "urns", label: "To URNs", kind: "list", expression: true, placeholder: "tel:+250788123123" },
    { key: "contact_query", label: "To contacts matching", kind: "text", expression: true },
  ],
  defaults: () => ({ text: "", groups: [] }),
  summary: (a) => `to ${[names(a.groups), (a.urns ?? []).join(", "), a.contact_query ?? ""].filter(Boolean).join(", ") || "nobody"}\n${clip(a.text)}`,
  validate: (a) => (a.groups?.length || a.urns?.length || a.contacts?.length || a.contact_query ? [] : ["choose who gets it"]),
  localizable: ["text", "attachments", "quick_replies"],
};
