import type { SetRunResult } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip } from "../summary";

type A = typeof SetRunResult._zod.output;

export const setRunResult: ActionElement<A> = {
  type: "set_run_result",
  name: "Save a flow result",
  group: "Run",
  fields: [
    { key: "name", label: "Result name", kind: "text", required: true, max: 64 },
    { key: "value", label: "Value", kind: "text", expression: true },
    { key: "category", label: "Category", kind: "text", max: 36 },
  ],
  defaults: () => ({ name: "", value: "" }),
  summary: (a) => `save ${clip(a.value, 50) || "nothing"} as ${a.name || "?"}`,
};
