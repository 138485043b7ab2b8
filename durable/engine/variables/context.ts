import type { Environment, XValue } from "../excellent";
import type { FlowVariable } from "../flow/schema";
import type { Session } from "../session/session";
import type { RunJSON } from "../session/types";
import { render } from "../excellent/values/render";
import { variableXValue } from "./typed";

/**
 * `@vars`: the run's flow variables as values of their types (`@vars.total` is a number,
 * `@vars.due` a date); `@vars` alone lists them, one `name: value` a line, as `@results` does.
 */
export function variablesContext(session: Session, env: Environment, run: RunJSON): Record<string, unknown> {
  let declared: FlowVariable[];
  try {
    declared = session.assets.flow(run.flow.uuid).definition.variables ?? [];
  } catch {
    declared = [];
  }
  const out: Record<string, XValue> = {};
  const lines: string[] = [];
  for (const v of declared) {
    const value = variableXValue(v.type, run.variables?.[v.name], env);
    out[v.name] = value;
    lines.push(`${v.name}: ${render(value)}`);
  }
  return { __default__: lines.join("\n"), ...out };
}
