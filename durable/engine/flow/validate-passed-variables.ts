import type { FlowDefinition, FlowVariable, VariableType } from "./schema";

/** How the check reports a problem: at a path under the action, an error. */
type Report = (path: string, message: string) => void;

/** The types a value of each type can never go into: a run passing it would only log an `error` (variables/typed.ts). */
const NEVER_FITS: Record<VariableType, VariableType[]> = {
  boolean: ["decimal", "integer", "date", "datetime", "list"],
  text: [],
  decimal: ["boolean", "date", "datetime", "list"],
  integer: ["boolean", "date", "datetime", "list"],
  date: ["boolean", "decimal", "integer", "list"],
  datetime: ["boolean", "decimal", "integer", "list"],
  list: ["boolean", "text", "decimal", "integer", "date", "datetime"],
};

/** Literal text (no expression) a variable of the type refuses whatever the environment; dates depend on its format, so are not judged. */
const LITERAL_FITS: Partial<Record<VariableType, (t: string) => boolean>> = {
  boolean: (t) => /^(true|false)$/i.test(t),
  decimal: (t) => /^-?(\d+(\.\d+)?|\.\d+)$/.test(t),
  integer: (t) => /^-?\d+$/.test(t),
  list: (t) => t.startsWith("["),
};

/**
 * The `variables` an `enter_flow` or `start_session` passes, against the other flow's declared
 * ones when its definition is known: each name must be declared there, and a value whose type is
 * plain here (literal text, or a lone `@vars.x` of this flow) must fit the declared type. What
 * only a run can tell (a field, a result, an expression) is checked as the run begins.
 */
export function checkPassedVariables(flow: FlowDefinition, passed: Record<string, string> | undefined, target: { name: string; variables?: FlowVariable[] }, error: Report): void {
  for (const [name, template] of Object.entries(passed ?? {})) {
    const path = `variables.${name}`;
    const declared = (target.variables ?? []).find((v) => v.name === name);
    if (!declared) {
      error(path, `"${target.name}" declares no variable "${name}"`);
      continue;
    }
    const text = template.trim();
    if (text === "" || declared.type === "text") continue;
    if (!text.includes("@")) {
      const fits = LITERAL_FITS[declared.type];
      if (fits && !fits(text)) error(path, `"${target.name}"'s variable "${name}" is ${declared.type}: "${text}" does not fit`);
      continue;
    }
    const ref = /^@(?:vars\.([a-z_][a-z0-9_]*)|\(\s*vars\.([a-z_][a-z0-9_]*)\s*\))$/.exec(text);
    const source = ref && (flow.variables ?? []).find((v) => v.name === (ref[1] ?? ref[2]));
    if (source && NEVER_FITS[source.type].includes(declared.type))
      error(path, `"${target.name}"'s variable "${name}" is ${declared.type}: this flow's "${source.name}" is ${source.type}, which never fits`);
  }
}
