import type { SetContactField } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip } from "../summary";

type A = typeof SetContactField._zod.output;

export const setContactField: ActionElement<A> = {
  type: "set_contact_field",
  name: "Update a contact field",
  group: "Contact",
  fields: [
    { key: "field", label: "Field", kind: "ref", asset: "fields", required: true },
    { key: "value", label: "Value", kind: "text", expression: true, help: "empty clears the field" },
  ],
  defaults: () => ({ field: { key: "", name: "" }, value: "" }),
  summary: (a) => (a.value ? `set ${a.field.name || a.field.key || "?"} to ${clip(a.value, 60)}` : `clear ${a.field.name || a.field.key || "?"}`),
  validate: (a) => (a.field.key ? [] : ["choose a field"]),
};
