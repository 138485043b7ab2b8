import type { Action, FlowDefinition, Router } from "./schema";

/** How the variable checks report a problem: at a path (under the node or action), an error. */
type Report = (path: string, message: string) => void;

/** The flow's variables have distinct names. */
export function checkVariableDeclarations(flow: FlowDefinition, error: Report): void {
  const seen = new Set<string>();
  (flow.variables ?? []).forEach((v, i) => {
    if (seen.has(v.name)) error(`variables[${i}].name`, `the variable "${v.name}" is declared twice`);
    seen.add(v.name);
  });
}

function checkUse(flow: FlowDefinition, name: string, path: string, error: Report): void {
  if (!(flow.variables ?? []).some((v) => v.name === name)) error(path, `the flow declares no variable "${name}"`);
}

/** An action that sets variables names only declared ones. */
export function checkActionVariables(flow: FlowDefinition, action: Action, error: Report): void {
  if (action.type === "update_variables") {
    const updates = (action as Extract<Action, { type: "update_variables" }>).updates;
    updates.forEach((u, i) => checkUse(flow, u.variable, `updates[${i}].variable`, error));
  }
  if (action.type === "call_api") {
    const mapped = (action as Extract<Action, { type: "call_api" }>).response_variables ?? [];
    mapped.forEach((m, i) => checkUse(flow, m.variable, `response_variables[${i}].variable`, error));
  }
}

/** A wait that saves into variables names only declared ones. */
export function checkRouterVariables(flow: FlowDefinition, router: Router, error: Report): void {
  const wait = router.wait;
  if (wait?.type === "event") wait.save_variables?.forEach((s, i) => checkUse(flow, s.variable, `router.wait.save_variables[${i}].variable`, error));
}
