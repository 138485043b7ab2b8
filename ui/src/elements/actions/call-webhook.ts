import type { CallWebhook } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip } from "../summary";

type A = typeof CallWebhook._zod.output;

export const callWebhook: ActionElement<A> = {
  type: "call_webhook",
  name: "Call a webhook",
  group: "Services",
  flowTypes: ["messaging", "messaging_background", "voice"],
  fields: [
    { key: "method", label: "Method", kind: "select", options: ["GET", "POST", "PUT", "DELETE", "HEAD", "PATCH"].map((m) => ({ value: m, label: m })) },
    { key: "url", label: "URL", kind: "text", expression: true, required: true, placeholder: "https://example.org/api?phone=@urns.tel" },
    { key: "headers", label: "Headers", kind: "headers" },
    { key: "body", label: "Body", kind: "text", expression: true, multiline: true, help: "sent with POST, PUT and PATCH" },
    { key: "result_name", label: "Result name", kind: "text", max: 64 },
  ],
  defaults: () => ({ method: "GET", url: "", headers: { "Content-Type": "application/json" }, result_name: "" }),
  summary: (a) => `${a.method} ${clip(a.url, 70) || "?"}`,
  validate: (a) => (/^(https?:\/\/|@)/.test(a.url.trim()) ? [] : ["the URL starts with http:// or https://"]),
};
