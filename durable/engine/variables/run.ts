import type { Scope } from "../actions/base";
import { error } from "../events/diagnostics";
import { fromJSON, type XValue } from "../excellent";
import type { FlowVariable } from "../flow/schema";
import { typedValue, type StoredValue } from "./typed";

/** The variable a flow declares by that name, or undefined. */
export function declared(s: Scope, name: string): FlowVariable | undefined {
  return s.flow.definition.variables?.find((v) => v.name === name);
}

/**
 * Sets a declared variable if the value fits its type; otherwise logs an `error` naming the
 * variable and what was refused, and leaves it as it was. `what` says where the value came from.
 */
export function setVariable(s: Scope, name: string, value: XValue, what: string): boolean {
  const variable = declared(s, name);
  if (!variable) {
    s.log(error(`${what}: the flow has no variable "${name}"`));
    return false;
  }
  const typed = typedValue(variable.type, value, s.env);
  if ("error" in typed) {
    s.log(error(`${what}: variable "${name}" is ${variable.type}, ${typed.error}: not set`));
    return false;
  }
  (s.run.variables ??= {})[name] = typed.value;
  s.session.touch();
  return true;
}

/**
 * Gives a run its variables as it reaches its first node: each takes the value passed to it (by
 * the flow that entered this one, or the trigger), else its default, in the order declared (so a
 * default may use the variables before it). A value that does not fit the type is an error and
 * leaves the variable empty.
 */
export function initVariables(s: Scope, passed: Record<string, unknown> | undefined): void {
  const variables = s.flow.definition.variables ?? [];
  if (variables.length === 0) return;
  s.run.variables = Object.fromEntries(variables.map((v) => [v.name, null]));
  s.session.touch();
  const names = new Set(variables.map((v) => v.name));
  for (const name of Object.keys(passed ?? {})) {
    if (!names.has(name)) s.log(error(`a value was passed for "${name}", which flow '${s.flow.ref.name}' does not declare: ignored`));
  }
  for (const v of variables) {
    if (passed && Object.hasOwn(passed, v.name)) {
      if (setVariable(s, v.name, fromJSON(passed[v.name]), `the value passed for "${v.name}"`)) continue;
    }
    if (v.default !== undefined && v.default !== "") setVariable(s, v.name, s.value(v.default), `the default of "${v.name}"`);
  }
}

export type { StoredValue };
