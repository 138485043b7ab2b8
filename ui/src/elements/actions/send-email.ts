import type { SendEmail } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip } from "../summary";

type A = typeof SendEmail._zod.output;

export const sendEmail: ActionElement<A> = {
  type: "send_email",
  name: "Send email",
  group: "Messages",
  fields: [
    { key: "addresses", label: "To", kind: "list", expression: true, required: true, placeholder: "someone@example.org" },
    { key: "subject", label: "Subject", kind: "text", expression: true, required: true },
    { key: "body", label: "Body", kind: "text", expression: true, multiline: true },
  ],
  defaults: () => ({ addresses: [], subject: "", body: "" }),
  summary: (a) => `to ${a.addresses.join(", ") || "?"}\n${clip(a.subject)}`,
  validate: (a) => (a.subject.trim() ? [] : ["the subject is empty"]),
  localizable: ["subject", "body"],
};
