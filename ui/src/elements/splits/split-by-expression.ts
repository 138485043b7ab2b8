import type { SplitElement } from "../types";
import { isSwitch, switchNode } from "./build";

export const splitByExpression: SplitElement = {
  ui: "split_by_expression",
  name: "Split by expression",
  create: (uuid) => switchNode(uuid, { operand: "@input.text", categories: ["Other"] }),
  matches: (node) => isSwitch(node) && !node.router.wait,
  edit: { operand: "expression", rules: true, resultName: true },
};
