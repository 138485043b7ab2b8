import type { SetContactName } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip } from "../summary";

type A = typeof SetContactName._zod.output;

export const setContactName: ActionElement<A> = {
  type: "set_contact_name",
  name: "Update the contact's name",
  group: "Contact",
  fields: [{ key: "name", label: "Name", kind: "text", expression: true }],
  defaults: () => ({ name: "" }),
  summary: (a) => `set name to ${clip(a.name, 60)}`,
};
