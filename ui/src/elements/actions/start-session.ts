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
    { key: "participant.phone", label: "Another participant's phone", kind: "text", expression: true, placeholder: "@vars.friend_phone", help: "a phone number (in the workspace's country unless written with +); they are found or created" },
    { key: "participant.email", label: "Another participant's email", kind: "text", expression: true, placeholder: "@fields.manager_email" },
    { key: "variables", label: "Pass to its variables", kind: "headers", item: "Variable", help: "the flow's @vars.<name>, each a template" },
  ],
  defaults: () => ({ flow: { uuid: "", name: "" }, groups: [] }),
  summary: (a) =>
    `start ${[a.create_contact ? "a new contact" : "", names(a.groups), (a.urns ?? []).join(", "), a.contact_query ?? "", a.participant?.phone ?? "", a.participant?.email ?? ""].filter(Boolean).join(", ") || "?"} in ${a.flow.name || "?"}`,
  validate: (a) => [...(a.flow.uuid ? [] : ["choose a flow"]), ...(a.create_contact || a.groups?.length || a.urns?.length || a.contacts?.length || a.contact_query || a.participant?.phone || a.participant?.email ? [] : ["choose who starts"])],
};
