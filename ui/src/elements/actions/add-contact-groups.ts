import type { AddContactGroups } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { names } from "../summary";

type A = typeof AddContactGroups._zod.output;

export const addContactGroups: ActionElement<A> = {
  type: "add_contact_groups",
  name: "Add to groups",
  group: "Contact",
  fields: [{ key: "groups", label: "Groups", kind: "ref", asset: "groups", multiple: true, required: true }],
  defaults: () => ({ groups: [] }),
  summary: (a) => `add to ${names(a.groups) || "?"}`,
  validate: (a) => (a.groups.length ? [] : ["choose at least one group"]),
};
