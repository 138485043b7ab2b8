import type { z } from "zod";
import { storedContent } from "../actions/send-interactive-msg";
import { checkJourneyRouter } from "./validate-journeys";
import { checkCallApi } from "./validate-call-api";
import { checkActionVariables, checkRouterVariables, checkVariableDeclarations } from "./validate-variables";
import { checkPassedVariables } from "./validate-passed-variables";
import { isSupportedAction, type Action, type FlowDefinition, type FlowVariable, type Node } from "./schema";

/** One thing wrong (error) or worth knowing (warning) about a flow definition. */
export type FlowProblem = { level: "error" | "warning"; node_uuid?: string; action_uuid?: string; path: string; message: string };

/** Eddy's own limits, on top of goflow's field limits below. */
export const LIMITS = {
  nodes: 1000,
  actionsPerNode: 100,
  categoriesPerRouter: 100,
  casesPerRouter: 100,
  // goflow's own, from the validation tags on its actions and routers.
  resultName: 64,
  msgText: 10000,
  attachments: 10,
  attachmentLength: 2048,
  quickReplies: 10,
  quickReplyLength: 64,
  webhookHeaders: 10,
  headerName: 100,
  headerValue: 5000,
  webhookURL: 8192,
  webhookBody: 20000,
} as const;

/** Actions goflow restricts to some flow types (`AllowedFlowTypes`); the rest are allowed in all. */
const ONLINE = ["messaging", "messaging_background", "voice"];
const ACTION_FLOW_TYPES: Record<string, string[]> = {
  say_msg: ["voice"],
  play_audio: ["voice"],
  call_webhook: ONLINE,
  call_api: ONLINE,
  call_resthook: ONLINE,
  call_classifier: ONLINE,
  call_llm: ONLINE,
  open_ticket: ONLINE,
  transfer_airtime: ONLINE,
};

/** Actions goflow defines that Eddy loads but does not run. */
const NOT_RUN_BY_EDDY = new Set(["say_msg", "play_audio", "transfer_airtime", "call_classifier", "call_llm"]);

/** Wait types and the flow types that may use them. */
const WAIT_FLOW_TYPES: Record<string, string[]> = {
  msg: ["messaging", "messaging_offline", "voice"],
  // Journeys' timed waits (docs/journeys.md): they never take a reply, so background flows may use them.
  pause: ["messaging", "messaging_background"],
  date: ["messaging", "messaging_background"],
  profile_change: ["messaging", "messaging_background"],
  event: ["messaging", "messaging_background"],
};

const FLOW_TYPE_NAMES: Record<string, string> = {
  messaging: "a messaging flow",
  messaging_background: "a background flow",
  messaging_offline: "an offline flow",
  voice: "a voice flow",
};

/** goflow's router tests; another test type loads, and fails the run that reaches it. */
const GOFLOW_TESTS = new Set([
  "has_error", "has_value", "has_text", "has_any_word", "has_all_words", "has_phrase", "has_only_phrase", "has_only_text",
  "has_beginning", "has_pattern", "has_number", "has_number_lt", "has_number_lte", "has_number_eq", "has_number_gte",
  "has_number_gt", "has_number_between", "has_date", "has_date_lt", "has_date_eq", "has_date_gt", "has_time", "has_phone",
  "has_email", "has_group", "has_category", "has_intent", "has_top_intent", "has_state", "has_district", "has_ward",
]);

const MSG_TOPICS = new Set(["", "event", "account", "purchase", "agent"]);

type Where = { node: Node; nodeIndex: number; action?: Action; actionIndex?: number };

class Problems {
  readonly list: FlowProblem[] = [];

  add(level: FlowProblem["level"], where: Where | undefined, path: string, message: string): void {
    if (!where) {
      this.list.push({ level, path, message });
      return;
    }
    const { node, nodeIndex, action, actionIndex } = where;
    const prefix = action ? `node ${node.uuid}, action ${action.uuid} (${action.type})` : `node ${node.uuid}`;
    const base = action ? `nodes[${nodeIndex}].actions[${actionIndex}]` : `nodes[${nodeIndex}]`;
    this.list.push({
      level,
      node_uuid: node.uuid,
      ...(action ? { action_uuid: action.uuid } : {}),
      path: path ? `${base}.${path}` : base,
      message: `${prefix}: ${message}`,
    });
  }

  error(where: Where | undefined, path: string, message: string): void {
    this.add("error", where, path, message);
  }

  warning(where: Where | undefined, path: string, message: string): void {
    this.add("warning", where, path, message);
  }
}

/** Every problem in a parsed definition: references, UUIDs, limits and flow-type rules. */
export function validateFlow(flow: FlowDefinition): FlowProblem[] {
  const problems = new Problems();
  if (flow.nodes.length > LIMITS.nodes) problems.error(undefined, "nodes", `the flow has ${flow.nodes.length} nodes, at most ${LIMITS.nodes}`);
  if (flow.type === "voice") problems.warning(undefined, "type", "Eddy does not run voice flows");
  if (flow.type === "messaging_offline") problems.warning(undefined, "type", "Eddy does not start offline (Surveyor) flows: it imports them, but nothing can start one");

  const nodeUuids = new Set(flow.nodes.map((n) => n.uuid));
  checkUniqueUuids(flow, problems);
  checkVariableDeclarations(flow, (path, message) => problems.error(undefined, path, message));
  flow.nodes.forEach((node, nodeIndex) => {
    const where = { node, nodeIndex };
    if (node.actions.length > LIMITS.actionsPerNode)
      problems.error(where, "actions", `${node.actions.length} actions, at most ${LIMITS.actionsPerNode}`);
    node.actions.forEach((action, actionIndex) => checkAction(flow, action, { ...where, action, actionIndex }, problems));
    checkRouter(flow, node, where, problems);
    node.exits.forEach((exit, i) => {
      if (exit.destination_uuid && !nodeUuids.has(exit.destination_uuid))
        problems.error(where, `exits[${i}].destination_uuid`, `exit ${exit.uuid} leads to node ${exit.destination_uuid}, which does not exist`);
    });
  });
  return problems.list;
}

/** goflow's `FlowType.Allows`: a session enters flows of its own type, or background flows. */
export function canEnter(sessionType: string, flowType: string): boolean {
  return sessionType === flowType || flowType === "messaging_background";
}

/**
 * Problems only the other flows reveal: an `enter_flow` into a flow this one's sessions can't enter
 * (a background flow entering a messaging flow fails its run, as in goflow), and `variables` an
 * `enter_flow` or `start_session` passes that the other flow does not declare or that can't fit
 * (validate-passed-variables.ts). `typeOf` gives a flow's type by UUID, undefined for a flow it
 * doesn't know (reported as a missing dependency); `variablesOf`, when given, its declared
 * variables, undefined when its definition is not at hand.
 */
export function enteredFlowProblems(flow: FlowDefinition, typeOf: (uuid: string) => string | undefined, variablesOf?: (uuid: string) => FlowVariable[] | undefined): FlowProblem[] {
  const problems = new Problems();
  flow.nodes.forEach((node, nodeIndex) =>
    node.actions.forEach((action, actionIndex) => {
      if (!isSupportedAction(action) || (action.type !== "enter_flow" && action.type !== "start_session")) return;
      const declared = variablesOf?.(action.flow.uuid);
      if (declared)
        checkPassedVariables(flow, action.variables, { name: action.flow.name, variables: declared }, (path, message) => problems.error({ node, nodeIndex, action, actionIndex }, path, message));
      if (action.type !== "enter_flow") return;
      const type = typeOf(action.flow.uuid);
      if (type && !canEnter(flow.type, type))
        problems.error(
          { node, nodeIndex, action, actionIndex },
          "flow",
          `${FLOW_TYPE_NAMES[flow.type] ?? "this flow"} cannot enter "${action.flow.name}", ${FLOW_TYPE_NAMES[type] ?? `a ${type} flow`}: the run would fail`,
        );
    }),
  );
  return problems.list;
}

function checkUniqueUuids(flow: FlowDefinition, problems: Problems): void {
  const seen = new Map<string, string>();
  const claim = (uuid: string, what: string, where: Where, path: string) => {
    const first = seen.get(uuid);
    if (first) problems.error(where, path, `${what} has the same UUID as ${first}`);
    else seen.set(uuid, what === "this node" ? `node ${uuid}` : `${what} on node ${where.node.uuid}`);
  };
  flow.nodes.forEach((node, nodeIndex) => {
    const where = { node, nodeIndex };
    claim(node.uuid, "this node", where, "uuid");
    node.actions.forEach((a, i) => claim(a.uuid, `action ${a.uuid}`, where, `actions[${i}].uuid`));
    node.exits.forEach((e, i) => claim(e.uuid, `exit ${e.uuid}`, where, `exits[${i}].uuid`));
    node.router?.categories.forEach((c, i) => claim(c.uuid, `category ${c.uuid}`, where, `router.categories[${i}].uuid`));
    // A case may reuse a case UUID of another node (goflow accepts copied nodes), so cases are
    // checked against the rest but not claimed.
    if (node.router?.type === "switch") {
      const cases = new Set<string>();
      node.router.cases.forEach((c, i) => {
        const first = seen.get(c.uuid) ?? (cases.has(c.uuid) ? `case ${c.uuid} on node ${node.uuid}` : undefined);
        if (first) problems.error(where, `router.cases[${i}].uuid`, `case ${c.uuid} has the same UUID as ${first}`);
        cases.add(c.uuid);
      });
    }
  });
}

function checkAction(flow: FlowDefinition, action: Action, where: Where, problems: Problems): void {
  const allowed = ACTION_FLOW_TYPES[action.type];
  if (allowed && !allowed.includes(flow.type)) {
    problems.error(where, "type", `${FLOW_TYPE_NAMES[flow.type] ?? "this flow"} cannot use ${action.type} actions`);
    return;
  }
  if (NOT_RUN_BY_EDDY.has(action.type)) problems.warning(where, "type", `Eddy does not run ${action.type} actions; a run that reaches it fails`);
  if (action.type === "request_optin") problems.warning(where, "type", "Eddy's channels can't request opt-ins: the action only logs an error");
  if (!isSupportedAction(action)) {
    // An action type nobody here runs is said at publish, not found out when a run fails on it (#12).
    if (!NOT_RUN_BY_EDDY.has(action.type) && action.type !== "request_optin")
      problems.warning(where, "type", `Eddy does not know ${action.type} actions; a run that reaches it fails`);
    return;
  }
  checkActionVariables(flow, action, (path, message) => problems.error(where, path, message));

  switch (action.type) {
    case "send_msg":
    case "send_broadcast": {
      const { text, attachments = [], quick_replies = [] } = action;
      if (text.length > LIMITS.msgText) problems.error(where, "text", `the text has ${text.length} characters, at most ${LIMITS.msgText}`);
      if (attachments.length > LIMITS.attachments)
        problems.error(where, "attachments", `${attachments.length} attachments, at most ${LIMITS.attachments}`);
      attachments.forEach((a, i) => {
        if (a.length > LIMITS.attachmentLength)
          problems.error(where, `attachments[${i}]`, `attachment ${i + 1} has ${a.length} characters, at most ${LIMITS.attachmentLength}`);
      });
      if (quick_replies.length > LIMITS.quickReplies)
        problems.error(where, "quick_replies", `${quick_replies.length} quick replies, at most ${LIMITS.quickReplies}`);
      quick_replies.forEach((q, i) => {
        const text = typeof q === "string" ? q : (q.text ?? "");
        if (text.length > LIMITS.quickReplyLength)
          problems.error(where, `quick_replies[${i}]`, `quick reply ${i + 1} has ${text.length} characters, at most ${LIMITS.quickReplyLength}`);
      });
      if (quick_replies.length > 0 && flow.type === "messaging_background")
        problems.warning(where, "quick_replies", "quick replies in a background flow: the reply never comes back to it");
      if (action.type === "send_msg" && action.topic !== undefined && !MSG_TOPICS.has(action.topic))
        problems.error(where, "topic", `topic "${action.topic}" is not one of event, account, purchase, agent`);
      break;
    }
    case "set_run_result":
      checkResultName(action.name, "name", where, problems);
      break;
    case "remove_contact_groups":
      if (action.all_groups && (action.groups?.length ?? 0) > 0) problems.error(where, "groups", "can't remove all groups and specific groups at once");
      break;
    case "call_resthook":
      if (action.result_name !== undefined) checkResultName(action.result_name, "result_name", where, problems);
      break;
    case "call_api":
      // The webhook's limits apply to it too.
      checkCallApi(action, (path, message) => problems.error(where, path, message));
      checkWebhook(action, where, problems);
      if (action.result_name !== undefined) checkResultName(action.result_name, "result_name", where, problems);
      break;
    case "call_webhook":
      checkWebhook(action, where, problems);
      if (action.result_name !== undefined) checkResultName(action.result_name, "result_name", where, problems);
      break;
    case "open_ticket":
      if (action.result_name !== undefined) checkResultName(action.result_name, "result_name", where, problems);
      break;
    case "send_interactive_msg": {
      // Glific's template must be in the flow (imported with it), unless an expression gives it at run time.
      const found = action.expression?.trim() ? undefined : storedContent(action);
      if (found && "problem" in found) problems.error(where, action.interactive === undefined ? "id" : "interactive", found.problem);
      break;
    }
  }
}

/** goflow's limits on a webhook's request, checked on the templates as written. */
function checkWebhook(action: Extract<Action, { type: "call_webhook" | "call_api" }>, where: Where, problems: Problems): void {
  const headers = Object.entries(action.headers ?? {});
  if (headers.length > LIMITS.webhookHeaders) problems.error(where, "headers", `${headers.length} headers, at most ${LIMITS.webhookHeaders}`);
  for (const [name, value] of headers) {
    if (name.length > LIMITS.headerName) problems.error(where, `headers.${name}`, `the header name "${name.slice(0, 20)}…" has ${name.length} characters, at most ${LIMITS.headerName}`);
    else if (!HTTP_TOKEN.test(name)) problems.error(where, `headers.${name}`, `"${name}" is not a valid HTTP header name`);
    if (value.length > LIMITS.headerValue) problems.error(where, `headers.${name}`, `the value of header "${name}" has ${value.length} characters, at most ${LIMITS.headerValue}`);
  }
  if (action.url.length > LIMITS.webhookURL) problems.error(where, "url", `the URL has ${action.url.length} characters, at most ${LIMITS.webhookURL}`);
  const body = action.body ?? "";
  if (body.length > LIMITS.webhookBody) problems.error(where, "body", `the body has ${body.length} characters, at most ${LIMITS.webhookBody}`);
}

/** RFC 9110's token: what an HTTP header name may be made of. */
const HTTP_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function checkResultName(name: string, path: string, where: Where, problems: Problems): void {
  if (name.length > LIMITS.resultName)
    problems.error(where, path, `the result name "${name}" has ${name.length} characters, at most ${LIMITS.resultName}`);
}

function checkRouter(flow: FlowDefinition, node: Node, where: Where, problems: Problems): void {
  const router = node.router;
  if (!router) {
    if ("wait" in node) problems.error(where, "wait", "a node with a wait needs a router");
    return;
  }
  if (router.result_name !== undefined) checkResultName(router.result_name, "router.result_name", where, problems);
  if (router.categories.length > LIMITS.categoriesPerRouter)
    problems.error(where, "router.categories", `${router.categories.length} categories, at most ${LIMITS.categoriesPerRouter}`);

  const exitUuids = new Set(node.exits.map((e) => e.uuid));
  const categoryUuids = new Set(router.categories.map((c) => c.uuid));
  router.categories.forEach((c, i) => {
    if (!exitUuids.has(c.exit_uuid))
      problems.error(where, `router.categories[${i}].exit_uuid`, `category "${c.name}" uses exit ${c.exit_uuid}, which is not on this node`);
  });

  if (router.type === "switch") {
    if (router.cases.length > LIMITS.casesPerRouter)
      problems.error(where, "router.cases", `${router.cases.length} cases, at most ${LIMITS.casesPerRouter}`);
    router.cases.forEach((c, i) => {
      if (!categoryUuids.has(c.category_uuid))
        problems.error(where, `router.cases[${i}].category_uuid`, `case ${c.uuid} (${c.type}) uses category ${c.category_uuid}, which is not on this router`);
      if (!GOFLOW_TESTS.has(c.type))
        problems.warning(where, `router.cases[${i}].type`, `case ${c.uuid} uses the test ${c.type}, which Eddy does not know; a run that reaches it fails`);
    });
    if (router.default_category_uuid && !categoryUuids.has(router.default_category_uuid))
      problems.error(where, "router.default_category_uuid", `the default category ${router.default_category_uuid} is not on this router`);
  } else if (Array.isArray(router.cases) && router.cases.length > 0) {
    problems.error(where, "router.cases", `a ${router.type === "random" ? "random router" : "split"} cannot have cases`);
  }
  checkJourneyRouter(router, (path, message) => problems.error(where, path, message));
  checkRouterVariables(flow, router, (path, message) => problems.error(where, path, message));

  const wait = router.wait;
  if (!wait) return;
  const allowed = WAIT_FLOW_TYPES[wait.type];
  if (allowed && !allowed.includes(flow.type)) {
    const what = wait.type === "msg" ? "wait for a message" : wait.type === "pause" ? "pause" : `wait for a ${wait.type.replace("_", " ")}`;
    problems.error(where, "router.wait", `${FLOW_TYPE_NAMES[flow.type] ?? "this flow"} cannot ${what}`);
  }
  if (wait.type === "msg" && wait.timeout && !categoryUuids.has(wait.timeout.category_uuid))
    problems.error(where, "router.wait.timeout.category_uuid", `the timeout category ${wait.timeout.category_uuid} is not on this router`);
}

/** zod's issues as problems that name their node and action, from the raw definition's UUIDs. */
export function structureProblems(raw: unknown, error: z.ZodError): FlowProblem[] {
  const rawNodes = isObject(raw) && Array.isArray(raw.nodes) ? raw.nodes : [];
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === "number" ? p : String(p)));
    const problem: FlowProblem = { level: "error", path: formatPath(path), message: "" };
    let prefix = "";
    let rest = path;
    if (path[0] === "nodes" && typeof path[1] === "number") {
      const node = rawNodes[path[1]];
      const nodeUuid = isObject(node) && typeof node.uuid === "string" ? node.uuid : undefined;
      prefix = nodeUuid ? `node ${nodeUuid}` : `node #${path[1] + 1}`;
      if (nodeUuid) problem.node_uuid = nodeUuid;
      rest = path.slice(2);
      if (rest[0] === "actions" && typeof rest[1] === "number" && isObject(node) && Array.isArray(node.actions)) {
        const action = node.actions[rest[1]];
        const actionUuid = isObject(action) && typeof action.uuid === "string" ? action.uuid : undefined;
        const type = isObject(action) && typeof action.type === "string" ? ` (${action.type})` : "";
        prefix += actionUuid ? `, action ${actionUuid}${type}` : `, action #${rest[1] + 1}${type}`;
        if (actionUuid) problem.action_uuid = actionUuid;
        rest = rest.slice(2);
      }
    }
    const subject = rest.length ? formatPath(rest) : "";
    const reason = describeIssue(issue);
    const text = subject ? `${subject} ${reason}` : reason;
    problem.message = prefix ? `${prefix}: ${text}` : text;
    return problem;
  });
}

function describeIssue(issue: z.core.$ZodIssue): string {
  // Issues re-raised by the action schema arrive as "custom" with zod's message as text.
  const missing = /^Invalid input: expected \w+, received undefined$/;
  switch (issue.code) {
    case "invalid_type":
      return issue.message.endsWith("received undefined") ? "is missing" : `must be ${article(issue.expected)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "invalid_union":
      // A discriminated union names its options; a plain union only says none matched.
      return "options" in issue && Array.isArray(issue.options) ? `must be one of ${issue.options.map(String).join(", ")}` : "is not valid";
    case "too_big":
      return issue.message.startsWith("Too big")
        ? issue.origin === "string"
          ? `is too long (at most ${issue.maximum} characters)`
          : `has too many items (at most ${issue.maximum})`
        : issue.message;
    case "too_small":
      return issue.message.startsWith("Too small")
        ? issue.origin === "string"
          ? "is empty"
          : `must be at least ${issue.minimum}`
        : issue.message;
    default:
      if (missing.test(issue.message)) return "is missing";
      return issue.message.replace(/^Invalid input: expected (\w+), received \w+$/, (_, t: string) => `must be ${article(t)}`);
  }
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
