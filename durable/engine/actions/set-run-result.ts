import { saveResult } from "../results";
import type { ActionOf, ActionOutcome, Scope } from "./base";

export async function execute(a: ActionOf<"set_run_result">, s: Scope): Promise<ActionOutcome> {
  const value = s.strictText(a.value);
  if (value === undefined) return;
  const category = a.category ?? "";
  const localized = category ? (s.localized(a.uuid, "category", [category]).values[0] ?? category) : "";
  saveResult(s, a.name, value, category, localized, undefined, undefined);
}
