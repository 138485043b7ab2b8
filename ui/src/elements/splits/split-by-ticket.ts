import type { OpenTicket } from "../../../../durable/engine/flow/schema";
import type { SplitElement } from "../types";
import { openTicket } from "../actions/open-ticket";
import { isSwitch, resultKey, switchNode } from "./build";

type A = typeof OpenTicket._zod.output;

const operand = (a: A) => `@results.${resultKey(a.result_name || "result")}`;

export const splitByTicket: SplitElement = {
  ui: "split_by_ticket",
  name: "Open a ticket",
  flowTypes: openTicket.flowTypes,
  create: (uuid) => {
    const action = { uuid: uuid(), type: "open_ticket", ...openTicket.defaults() } as A;
    return switchNode(uuid, { operand: operand(action), categories: ["Success", "Failure"], cases: [{ type: "has_text", arguments: [], category: "Success" }], actions: [action] });
  },
  matches: (node) => isSwitch(node) && node.actions.length === 1 && node.actions[0].type === "open_ticket",
  edit: { operand: "fixed", rules: false, resultName: false, action: "open_ticket" },
  sync: (node) => (isSwitch(node) ? { ...node, router: { ...node.router, operand: operand(node.actions[0] as A) } } : node),
};
