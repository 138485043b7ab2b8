import type { EventBody } from "./base";

/**
 * What kind of thing went wrong, on every error and failure event (goflow's events carry a code
 * too; these names are Eddy's, one per cause, so a caller can count or filter them):
 * - `template`: a template failed to evaluate; the action's change was skipped;
 * - `missing_dependency`: a group, field, label, channel, topic or user the flow names is not there;
 * - `invalid_value`: a value evaluated to something the action can't use (empty, not a URN, not a
 *   language, time zone, URL or number);
 * - `query_group`: a contact can't be added to or removed from a smart group by a flow;
 * - `not_allowed`: the action is refused here (a blocked webhook host, tickets in a batch start);
 * - `too_large`: a request over its limit was not sent;
 * - `router_test`: a router test could not be evaluated;
 * - `unsupported`: something goflow does that Eddy does not;
 * - failures: `step_limit`, `sprint_limit`, `flow_type` (a flow its session can't enter), `unknown_action`,
 *   `broken_flow` (a node or exit that is not there).
 */
export type DiagnosticCode =
  | "template"
  | "missing_dependency"
  | "invalid_value"
  | "query_group"
  | "not_allowed"
  | "too_large"
  | "router_test"
  | "unsupported"
  | "step_limit"
  | "sprint_limit"
  | "flow_type"
  | "unknown_action"
  | "broken_flow";


/** Something odd the run survived (a deprecated context value, a truncated body...). */
export const warning = (text: string) => ({ type: "warning", text }) as EventBody<"warning">;

/** Something went wrong but the run carries on (a template error, a missing asset...). */
export const error = (text: string, code?: DiagnosticCode): EventBody<"error", { text: string; code?: DiagnosticCode }> => (code ? { type: "error", text, code } : { type: "error", text });

/** The run cannot go on: it and its session end as failed. */
export const failure = (text: string, code?: DiagnosticCode): EventBody<"failure", { text: string; code?: DiagnosticCode }> => (code ? { type: "failure", text, code } : { type: "failure", text });
