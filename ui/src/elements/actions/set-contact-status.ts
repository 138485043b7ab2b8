import type { SetContactStatus } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";

type A = typeof SetContactStatus._zod.output;

export const setContactStatus: ActionElement<A> = {
  type: "set_contact_status",
  name: "Update the contact's status",
  group: "Contact",
  fields: [{ key: "status", label: "Status", kind: "select", options: ["active", "blocked", "stopped", "archived"].map((s) => ({ value: s, label: s })) }],
  defaults: () => ({ status: "active" }),
  summary: (a) => `set status to ${a.status}`,
};
