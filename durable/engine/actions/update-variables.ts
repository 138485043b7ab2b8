import { setVariable } from "../variables/run";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/**
 * Eddy's update of flow variables (docs/journeys.md): each update's template is evaluated (a lone
 * `@(...)` keeps its type) and set if it fits the variable's type; one that does not is an `error`
 * event and leaves that variable as it was, the others are still set.
 */
export async function execute(a: ActionOf<"update_variables">, s: Scope): Promise<ActionOutcome> {
  for (const u of a.updates) setVariable(s, u.variable, s.value(u.value), `update_variables`);
}
