import { toJSON } from "../excellent";
import type { Scope } from "./base";

/**
 * The values an `enter_flow` or `start_session` passes to the other flow's variables: each template
 * evaluated here (a lone `@(...)` keeps its type) and carried as JSON; the other flow checks them
 * against its variables' types as its run begins.
 */
export function passedVariables(s: Scope, templates: Record<string, string> | undefined): Record<string, unknown> | undefined {
  if (!templates || Object.keys(templates).length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(templates)) {
    const v = s.value(template);
    if (v !== null && v.kind === "error") continue; // logged by the evaluation; the other flow's default applies
    out[name] = JSON.parse(toJSON(v));
  }
  return out;
}
