import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/** `@locals`: run-scoped variables with no event, as in goflow; increment adds a number. */
export async function execute(a: ActionOf<"set_run_local">, s: Scope): Promise<ActionOutcome> {
  const locals = (s.run.locals ??= {});
  if (a.operation === "clear") {
    delete locals[a.local];
  } else if (a.operation === "set") {
    locals[a.local] = s.text(a.value);
  } else {
    const by = Number(s.text(a.value));
    const current = Number(locals[a.local] ?? "0");
    if (Number.isNaN(by) || Number.isNaN(current)) {
      s.log(error(`can't increment local '${a.local}': not a number`));
      return;
    }
    locals[a.local] = String(current + by);
  }
  s.session.touch();
}
