import type { CallApi, Node } from "../../../../durable/engine/flow/schema";
import { callApi } from "../actions/call-api";
import type { SplitElement } from "../types";
import { isSwitch, resultKey, switchNode } from "./build";

type Api = typeof CallApi._zod.output;

/** The kinds of answer call_api puts in its result's category (docs/journeys.md), each an exit; 1xx and 3xx go to Other. */
const KINDS = ["2xx", "4xx", "5xx", "No response"];
const operand = (action: Api) => `@results.${resultKey(action.result_name || "result")}.category`;

const router = (uuid: () => string, action: Api): Node =>
  switchNode(uuid, {
    operand: operand(action),
    categories: [...KINDS, "Other"],
    cases: KINDS.map((k) => ({ type: "has_only_text", arguments: [k], category: k })),
    actions: [action],
  });

export const splitByApi: SplitElement = {
  ui: "split_by_api",
  name: "Call an API",
  flowTypes: callApi.flowTypes,
  create: (uuid) => router(uuid, { uuid: uuid(), type: "call_api", ...callApi.defaults(), result_name: "Result" } as Api),
  matches: (node) => isSwitch(node) && node.actions.length === 1 && node.actions[0].type === "call_api",
  edit: { operand: "fixed", rules: false, resultName: false, action: "call_api" },
  sync: (node) => (isSwitch(node) ? { ...node, router: { ...node.router, operand: operand(node.actions[0] as Api) } } : node),
};
