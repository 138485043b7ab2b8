import type { CallApi } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip } from "../summary";

type A = typeof CallApi._zod.output;

/** Moments' "call API" (docs/journeys.md): a webhook with a JSON or form body and response values saved into flow variables. */
export const callApi: ActionElement<A> = {
  type: "call_api",
  name: "Call an API",
  group: "Services",
  flowTypes: ["messaging", "messaging_background", "voice"],
  fields: [
    { key: "method", label: "Method", kind: "select", options: ["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => ({ value: m, label: m })) },
    { key: "url", label: "URL", kind: "text", expression: true, required: true, placeholder: "https://shop.example.com/api/orders/@fields.order_id" },
    { key: "headers", label: "Headers", kind: "headers" },
    {
      key: "body_type",
      label: "Body",
      kind: "select",
      options: [
        { value: "none", label: "none" },
        { value: "json", label: "JSON" },
        { value: "form", label: "form fields (URL-encoded)" },
      ],
    },
    { key: "body", label: "JSON body", kind: "text", expression: true, multiline: true, help: "with a JSON body: a template that must be JSON once evaluated" },
    { key: "form", label: "Form field", kind: "rows", max: 50, columns: [{ key: "name", label: "Name" }, { key: "value", label: "Value" }], help: "with a form body" },
    {
      key: "response_variables",
      label: "Save from the response",
      kind: "rows",
      max: 20,
      columns: [{ key: "path", label: "Path" }, { key: "variable", label: "Variable" }],
      help: "with a 2xx answer: the value at a path (order.total, $.items[0].sku) into a flow variable",
    },
    { key: "result_name", label: "Result name", kind: "text", max: 64 },
  ],
  defaults: () => ({ method: "GET", url: "", body_type: "none", result_name: "" }),
  summary: (a) => `${a.method} ${clip(a.url, 70) || "?"}${a.response_variables?.length ? ` → ${a.response_variables.map((r) => `@vars.${r.variable}`).join(", ")}` : ""}`,
  validate: (a) => [
    ...(/^(https?:\/\/|@)/.test(a.url.trim()) ? [] : ["the URL starts with http:// or https://"]),
    ...(a.body_type === "json" && !a.body?.trim() ? ["a JSON body needs its text"] : []),
    ...(a.method === "GET" && a.body_type !== "none" ? ["a GET sends no body"] : []),
  ],
};
