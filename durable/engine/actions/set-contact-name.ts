import { contactNameChanged } from "../events/contact";
import type { ActionOf, ActionOutcome, Scope } from "./base";

export async function execute(a: ActionOf<"set_contact_name">, s: Scope): Promise<ActionOutcome> {
  // A template that fails to evaluate changes nothing (goflow), rather than clearing the name.
  const rendered = s.strictText(a.name);
  if (rendered === undefined) return;
  const name = rendered.trim().slice(0, 128);
  if ((s.session.contact.name ?? "") === name) return;
  s.session.contact.name = name;
  s.log(contactNameChanged(name));
}
