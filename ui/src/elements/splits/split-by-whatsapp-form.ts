import type { SendWhatsAppForm } from "../../../../durable/engine/actions/send-whatsapp-form";
import type { Node } from "../../../../durable/engine/flow/schema";
import type { SplitElement } from "../types";
import { sendWhatsAppForm } from "../actions/send-whatsapp-form";
import { isSwitch, resultKey, switchNode } from "./build";

type A = typeof SendWhatsAppForm._zod.output;

/** Sent, or refused (outside the 24-hour window without a template, deprecated, blocked, throttled): the result's category routes. */
const router = (uuid: () => string, action: A): Node =>
  switchNode(uuid, {
    operand: `@results.${resultKey(action.result_name || "form")}.category`,
    categories: ["Success", "Failure"],
    cases: [{ type: "has_only_text", arguments: ["Success"], category: "Success" }],
    actions: [action],
  });

export const splitByWhatsAppForm: SplitElement = {
  ui: "split_by_whatsapp_form",
  name: "Send a WhatsApp form",
  flowTypes: sendWhatsAppForm.flowTypes,
  create: (uuid) => router(uuid, { uuid: uuid(), type: "send_whatsapp_form", ...sendWhatsAppForm.defaults() } as A),
  matches: (node) => isSwitch(node) && node.actions.length === 1 && node.actions[0].type === "send_whatsapp_form",
  edit: { operand: "fixed", rules: false, resultName: false, action: "send_whatsapp_form" },
  sync: (node) => {
    const action = node.actions[0] as A;
    if (!isSwitch(node)) return node;
    return { ...node, router: { ...node.router, operand: `@results.${resultKey(action.result_name || "form")}.category` } };
  },
};
