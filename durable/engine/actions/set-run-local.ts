import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/** `@locals`: run-scoped variables with no event, as in goflow; increment adds a number. */
export async function execute(a: ActionOf<"set_run_local">, s: Scope): Promise<ActionOutcome> {
  const locals = (s.run.locals ??= {});
  if (a.operation === "clear") {
    delete locals[a.local];
  } else {
    // A value that fails to evaluate leaves the local as it was (goflow).
    const value = s.strictText(a.value);
    if (value === undefined) return;
    if (a.operation === "set") {
      locals[a.local] = value;
      s.session.touch();
      return;
    }
    const by = Number(value);
    const current = Number(locals[a.local] ?? "0");
    if (Number.isNaN(by) || Number.isNaN(current)) {
      s.log(error(`can't increment local '${a.local}': not a number`, "invalid_value"));
      return;
    }
    locals[a.local] = String(current + by);
  }
  s.session.touch();
}
