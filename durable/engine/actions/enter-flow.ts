import { FlowInvalid, FlowNotFound } from "../assets";
import { canEnter } from "../flow/validate";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { passedVariables } from "./passed-variables";

/**
 * Starts a child run of another flow; the traversal runs it, and this run carries on at its router
 * (`@child`) when the child ends. Terminal: this run completes now and the child replaces it.
 * As in goflow, a session enters only flows of its own type or background flows: a background
 * session entering a messaging flow would wait for replies that go elsewhere.
 */
export async function execute(a: ActionOf<"enter_flow">, s: Scope): Promise<ActionOutcome> {
  let flow;
  try {
    flow = s.session.assets.flow(a.flow.uuid);
  } catch (e) {
    if (e instanceof FlowNotFound || e instanceof FlowInvalid) return { fail: `can't enter flow '${a.flow.name}': ${e.message}`, code: "missing_dependency" };
    throw e;
  }
  const from = s.session.json.type;
  const to = flow.definition.type;
  if (!canEnter(from, to)) return { fail: `can't enter flow[uuid=${flow.ref.uuid},name=${flow.ref.name}] of type ${to} from type ${from}`, code: "flow_type" };
  const variables = passedVariables(s, a.variables);
  return { enter: flow, terminal: a.terminal ?? false, ...(variables ? { variables } : {}) };
}

