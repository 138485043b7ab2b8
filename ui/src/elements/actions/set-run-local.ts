import type { SetRunLocal } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip } from "../summary";

type A = typeof SetRunLocal._zod.output;

export const setRunLocal: ActionElement<A> = {
  type: "set_run_local",
  name: "Set a local variable",
  group: "Run",
  fields: [
    { key: "local", label: "Name (@locals.…)", kind: "text", required: true, max: 64, placeholder: "counter" },
    {
      key: "operation",
      label: "Operation",
      kind: "select",
      options: [
        { value: "set", label: "set to" },
        { value: "increment", label: "increment by" },
        { value: "clear", label: "clear" },
      ],
    },
    { key: "value", label: "Value", kind: "text", expression: true },
  ],
  defaults: () => ({ local: "", value: "", operation: "set" }),
  summary: (a) => (a.operation === "clear" ? `clear @locals.${a.local}` : `${a.operation} @locals.${a.local || "?"} ${a.operation === "set" ? "to" : "by"} ${clip(a.value, 40)}`),
  validate: (a) => (/^[a-z_][a-z0-9_]*$/i.test(a.local) ? [] : ["the name is letters, digits and underscores"]),
};
