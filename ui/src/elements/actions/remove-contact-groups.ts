import type { RemoveContactGroups } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { names } from "../summary";

type A = typeof RemoveContactGroups._zod.output;

export const removeContactGroups: ActionElement<A> = {
  type: "remove_contact_groups",
  name: "Remove from groups",
  group: "Contact",
  fields: [
    { key: "all_groups", label: "Remove from all groups", kind: "checkbox" },
    { key: "groups", label: "Groups", kind: "ref", asset: "groups", multiple: true },
  ],
  defaults: () => ({ groups: [], all_groups: false }),
  summary: (a) => (a.all_groups ? "remove from all groups" : `remove from ${names(a.groups) || "?"}`),
  validate: (a) => (a.all_groups || a.groups?.length ? [] : ["choose a group, or all groups"]),
};
