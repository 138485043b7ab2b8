import type { AddContactUrn } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";

type A = typeof AddContactUrn._zod.output;

const SCHEMES = ["tel", "whatsapp", "mailto", "telegram", "facebook", "instagram", "viber", "line", "twitter", "ext"];

export const addContactUrn: ActionElement<A> = {
  type: "add_contact_urn",
  name: "Add a URN",
  group: "Contact",
  fields: [
    { key: "scheme", label: "Scheme", kind: "select", options: SCHEMES.map((s) => ({ value: s, label: s })) },
    { key: "path", label: "Address", kind: "text", expression: true, required: true, placeholder: "@results.phone" },
  ],
  defaults: () => ({ scheme: "tel", path: "" }),
  summary: (a) => `add ${a.scheme}:${a.path}`,
};
