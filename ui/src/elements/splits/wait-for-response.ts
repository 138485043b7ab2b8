import type { SplitElement } from "../types";
import { switchNode } from "./build";

export const waitForResponse: SplitElement = {
  ui: "wait_for_response",
  name: "Wait for the response",
  // A background flow never receives replies (TextIt hides this element there too).
  flowTypes: ["messaging", "messaging_offline"],
  create: (uuid) => switchNode(uuid, { operand: "@input.text", categories: ["Other"], wait: { type: "msg" }, result_name: "Result" }),
  matches: (node) => node.router?.wait?.type === "msg",
  edit: { operand: "fixed", rules: true, timeout: true, resultName: true },
};
