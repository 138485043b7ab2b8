import type { AddInputLabels } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { names } from "../summary";

type A = typeof AddInputLabels._zod.output;

export const addInputLabels: ActionElement<A> = {
  type: "add_input_labels",
  name: "Label the incoming message",
  group: "Run",
  fields: [{ key: "labels", label: "Labels", kind: "ref", asset: "labels", multiple: true, required: true }],
  defaults: () => ({ labels: [] }),
  summary: (a) => `label with ${names(a.labels) || "?"}`,
  validate: (a) => (a.labels.length ? [] : ["choose at least one label"]),
};
