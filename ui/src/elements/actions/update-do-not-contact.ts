import type { UpdateDoNotContact } from "../../../../durable/engine/actions/update-do-not-contact";
import type { ActionElement } from "../types";

type A = typeof UpdateDoNotContact._zod.output;

const KINDS = [
  { value: "phone", label: "phone numbers (SMS and WhatsApp)" },
  { value: "email", label: "email addresses" },
];

/** The do-not-contact list from a flow (docs/do-not-contact.md): the contact's addresses of the chosen kinds added or removed. */
export const updateDoNotContact: ActionElement<A> = {
  type: "update_do_not_contact",
  name: "Update do-not-contact",
  group: "Contact",
  fields: [
    {
      key: "operation",
      label: "Operation",
      kind: "select",
      options: [
        { value: "add", label: "add the contact's addresses to the list" },
        { value: "remove", label: "remove them from the list" },
      ],
    },
    { key: "kinds", label: "Which addresses", kind: "choices", options: KINDS },
  ],
  defaults: () => ({ operation: "add", kinds: ["phone", "email"] }),
  summary: (a) => `${a.operation === "add" ? "add" : "remove"} ${a.kinds.join(" and ") || "no"} addresses ${a.operation === "add" ? "to" : "from"} do-not-contact`,
};
