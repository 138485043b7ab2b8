import type { EnterFlow } from "../../../../durable/engine/flow/schema";
import type { SplitElement } from "../types";
import { enterFlow } from "../actions/enter-flow";
import { isSwitch, switchNode } from "./build";

type A = typeof EnterFlow._zod.output;

/** The parent routes on how the child ended, as TextIt builds it. */
export const splitBySubflow: SplitElement = {
  ui: "split_by_subflow",
  name: "Enter another flow",
  create: (uuid) =>
    switchNode(uuid, {
      operand: "@child.run.status",
      categories: ["Complete", "Expired"],
      cases: [
        { type: "has_only_text", arguments: ["completed"], category: "Complete" },
        { type: "has_only_text", arguments: ["expired"], category: "Expired" },
      ],
      actions: [{ uuid: uuid(), type: "enter_flow", ...enterFlow.defaults() } as A],
    }),
  matches: (node) => isSwitch(node) && node.actions.length === 1 && node.actions[0].type === "enter_flow",
  edit: { operand: "fixed", rules: false, resultName: false, action: "enter_flow" },
};
