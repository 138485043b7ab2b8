import type { EventBody, Ref } from "./base";

export const inputLabelsAdded = (inputUUID: string, labels: Ref[]) =>
  ({ type: "input_labels_added", input_uuid: inputUUID, labels }) as EventBody<"input_labels_added">;
