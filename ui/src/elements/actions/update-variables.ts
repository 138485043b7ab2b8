import type { UpdateVariables } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip } from "../summary";

type A = typeof UpdateVariables._zod.output;

/** Journeys' flow variables (docs/journeys.md): each update sets a declared @vars.<name>, checked against its type. */
export const updateVariables: ActionElement<A> = {
  type: "update_variables",
  name: "Update flow variables",
  group: "Run",
  fields: [
    {
      key: "updates",
      label: "Set",
      kind: "rows",
      max: 20,
      columns: [
        { key: "variable", label: "Variable" },
        { key: "value", label: "To" },
      ],
      help: "a variable the flow declares (@vars.…), to a template; a lone @(…) keeps its type",
    },
  ],
  defaults: () => ({ updates: [{ variable: "", value: "" }] }),
  summary: (a) => a.updates.map((u) => `@vars.${u.variable || "?"} = ${clip(u.value, 30)}`).join("; "),
};
