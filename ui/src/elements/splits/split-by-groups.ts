import type { SplitElement } from "../types";
import { isSwitch, switchNode } from "./build";

export const splitByGroups: SplitElement = {
  ui: "split_by_groups",
  name: "Split by group membership",
  create: (uuid) => switchNode(uuid, { operand: "@contact.groups", categories: ["Other"] }),
  matches: (node) => isSwitch(node) && node.router.operand === "@contact.groups" && node.router.cases.every((c) => c.type === "has_group"),
  edit: { operand: "fixed", rules: false, groups: true, resultName: true },
};
