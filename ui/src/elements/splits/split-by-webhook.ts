import type { CallWebhook, Node } from "../../../../durable/engine/flow/schema";
import type { SplitElement } from "../types";
import { callWebhook } from "../actions/call-webhook";
import { isSwitch, resultKey, switchNode } from "./build";

type Webhook = typeof CallWebhook._zod.output;

/** RapidPro's shape: the webhook's result category routes (Success for a 2xx, Failure otherwise). */
const router = (uuid: () => string, action: Webhook): Node =>
  switchNode(uuid, {
    operand: `@results.${resultKey(action.result_name || "result")}.category`,
    categories: ["Success", "Failure"],
    cases: [{ type: "has_only_text", arguments: ["Success"], category: "Success" }],
    actions: [action],
  });

export const splitByWebhook: SplitElement = {
  ui: "split_by_webhook",
  name: "Call a webhook",
  flowTypes: callWebhook.flowTypes,
  create: (uuid) => router(uuid, { uuid: uuid(), type: "call_webhook", ...callWebhook.defaults(), result_name: "Result" } as Webhook),
  matches: (node) => isSwitch(node) && node.actions.length === 1 && node.actions[0].type === "call_webhook",
  edit: { operand: "fixed", rules: false, resultName: false, action: "call_webhook" },
  sync: (node) => {
    const action = node.actions[0] as Webhook;
    if (!isSwitch(node)) return node;
    return { ...node, router: { ...node.router, operand: `@results.${resultKey(action.result_name || "result")}.category` } };
  },
};
