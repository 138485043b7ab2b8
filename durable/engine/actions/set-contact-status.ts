import { contactGroupsChanged, contactStatusChanged } from "../events/contact";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/** A contact who stops leaves every group it was in, as in goflow. */
export async function execute(a: ActionOf<"set_contact_status">, s: Scope): Promise<ActionOutcome> {
  const contact = s.session.contact;
  if ((contact.status ?? "active") === a.status) return;
  contact.status = a.status;
  s.log(contactStatusChanged(a.status));
  const groups = contact.groups ?? [];
  if (a.status === "stopped" && groups.length > 0) {
    contact.groups = [];
    s.log(contactGroupsChanged([], groups));
  }
}
