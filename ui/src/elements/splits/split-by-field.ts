import type { SplitElement } from "../types";
import { isSwitch, switchNode } from "./build";

export const splitByField: SplitElement = {
  ui: "split_by_contact_field",
  name: "Split by a contact field",
  create: (uuid) => switchNode(uuid, { operand: "@fields.", categories: ["Other"] }),
  matches: (node) => isSwitch(node) && !node.router.wait && /^@(contact\.)?fields\.\w+$/.test(node.router.operand) && !node.actions.length,
  edit: { operand: "field", rules: true, resultName: true },
};
