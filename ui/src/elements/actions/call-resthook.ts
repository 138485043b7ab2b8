import type { CallResthook } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";

type A = typeof CallResthook._zod.output;

export const callResthook: ActionElement<A> = {
  type: "call_resthook",
  name: "Call a resthook",
  group: "Services",
  flowTypes: ["messaging", "messaging_background", "voice"],
  fields: [
    { key: "resthook", label: "Resthook (slug)", kind: "text", required: true, placeholder: "new-registration" },
    { key: "result_name", label: "Result name", kind: "text", max: 64 },
  ],
  defaults: () => ({ resthook: "", result_name: "" }),
  summary: (a) => `call resthook ${a.resthook || "?"}`,
};
