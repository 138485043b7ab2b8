import type { SplitElement } from "../types";
import { isSwitch, switchNode } from "./build";

export const splitByResult: SplitElement = {
  ui: "split_by_run_result",
  name: "Split by a flow result",
  create: (uuid) => switchNode(uuid, { operand: "@results.result", categories: ["Other"] }),
  matches: (node) => isSwitch(node) && !node.router.wait && /^@results\.\w+$/.test(node.router.operand) && !node.actions.length,
  edit: { operand: "result", rules: true, resultName: true },
};
