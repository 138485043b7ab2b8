import { contactStatusChanged } from "../events/contact";
import type { ActionOf, ActionOutcome, Scope } from "./base";

export async function execute(a: ActionOf<"set_contact_status">, s: Scope): Promise<ActionOutcome> {
  if ((s.session.contact.status ?? "active") === a.status) return;
  s.session.contact.status = a.status;
  s.log(contactStatusChanged(a.status));
}
