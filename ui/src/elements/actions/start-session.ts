import type { StartSession } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { names } from "../summary";

type A = typeof StartSession._zod.output;

export const startSession: ActionElement<A> = {
  type: "start_session",
  name: "Start others in a flow",
  group: "Flows",
  fields: [
    { key: "flow", label: "Flow", kind: "ref", asset: "flows", required: true },
    { key: "groups", label: "Groups", kind: "ref", asset: "groups", multiple: true },
    { key: "urns", label: "URNs", kind: "list", expression: true },
    { key: "contact_query", label: "Contacts matching", kind: "text", expression: true },
    { key: "create_contact", label: "Create a new contact", kind: "checkbox" },
  ],
  defaults: () => ({ flow: { uuid: "", name: "" }, groups: [] }),
  summary: (a) => `start ${[a.create_contact ? "a new contact" : "", names(a.groups), (a.urns ?? []).join(", "), a.contact_query ?? ""].filter(Boolean).join(", ") || "?"} in ${a.flow.name || "?"}`,
  validate: (a) => [...(a.flow.uuid ? [] : ["choose a flow"]), ...(a.create_contact || a.groups?.length || a.urns?.length || a.contacts?.length || a.contact_query ? [] : ["choose who starts"])],
};
