import type { EnterFlow } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";

type A = typeof EnterFlow._zod.output;

export const enterFlow: ActionElement<A> = {
  type: "enter_flow",
  name: "Enter another flow",
  group: "Flows",
  fields: [
    { key: "flow", label: "Flow", kind: "ref", asset: "flows", required: true },
    { key: "terminal", label: "End this flow there (don't come back)", kind: "checkbox" },
    { key: "variables", label: "Pass to its variables", kind: "headers", item: "Variable", help: "the other flow's @vars.<name>, each a template, checked against its type there" },
  ],
  defaults: () => ({ flow: { uuid: "", name: "" } }),
  summary: (a) => `enter ${a.flow.name || "?"}${a.terminal ? " (for good)" : ""}${a.variables && Object.keys(a.variables).length ? ` with ${Object.keys(a.variables).join(", ")}` : ""}`,
  validate: (a) => (a.flow.uuid ? [] : ["choose a flow"]),
};
