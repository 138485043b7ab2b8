import { FlowInvalid, FlowNotFound } from "../assets";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/**
 * Starts a child run of another flow; the traversal runs it, and this run carries on at its router
 * (`@child`) when the child ends. Terminal: this run completes now and the child replaces it.
 */
export async function execute(a: ActionOf<"enter_flow">, s: Scope): Promise<ActionOutcome> {
  try {
    return { enter: s.session.assets.flow(a.flow.uuid), terminal: a.terminal ?? false };
  } catch (e) {
    if (e instanceof FlowNotFound || e instanceof FlowInvalid) return { fail: `can't enter flow '${a.flow.name}': ${e.message}` };
    throw e;
  }
}
