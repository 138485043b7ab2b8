import type { Ref } from "../events/base";
import { error } from "../events/diagnostics";
import { inputLabelsAdded } from "../events/labels";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/** Labels the message being handled; without one (a manual start) there is nothing to label. */
export async function execute(a: ActionOf<"add_input_labels">, s: Scope): Promise<ActionOutcome> {
  const input = s.session.json.input;
  if (!input) return;
  const labels: Ref[] = [];
  for (const ref of a.labels) {
    const byName = "name_match" in ref;
    const name = byName ? s.strictText(String(ref.name_match)) : undefined;
    if (byName && name === undefined) continue; // the error is logged; the label is skipped (goflow)
    const label = byName ? s.session.assets.label({ name: name! }) : s.session.assets.label(ref as Ref);
    if (label) {
      if (!labels.some((l) => l.uuid === label.uuid)) labels.push({ uuid: label.uuid, name: label.name });
    } else s.log(error(`no such label: ${byName ? String(ref.name_match) : (ref as Ref).name}`, "missing_dependency"));
  }
  if (labels.length) s.log(inputLabelsAdded(input.uuid, labels));
}
