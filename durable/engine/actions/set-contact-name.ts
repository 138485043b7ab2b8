import { contactNameChanged } from "../events/contact";
import type { ActionOf, ActionOutcome, Scope } from "./base";

export async function execute(a: ActionOf<"set_contact_name">, s: Scope): Promise<ActionOutcome> {
  const name = s.text(a.name).trim().slice(0, 128);
  if ((s.session.contact.name ?? "") === name) return;
  s.session.contact.name = name;
  s.log(contactNameChanged(name));
}
