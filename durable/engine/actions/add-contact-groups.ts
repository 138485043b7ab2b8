import { contactGroupsChanged } from "../events/contact";
import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { resolveGroups } from "./groups";

/** Membership of query (smart) groups follows the query, so they are never added by hand. */
export async function execute(a: ActionOf<"add_contact_groups">, s: Scope): Promise<ActionOutcome> {
  const contact = s.session.contact;
  const current = contact.groups ?? [];
  const added: { uuid: string; name: string }[] = [];
  for (const g of resolveGroups(s, a.groups)) {
    if (g.query) {
      s.log(error(`can't add contacts to the query based group '${g.name}'`, "query_group"));
      continue;
    }
    if (current.some((c) => c.uuid === g.uuid) || added.some((c) => c.uuid === g.uuid)) continue;
    added.push({ uuid: g.uuid, name: g.name });
  }
  if (added.length === 0) return;
  contact.groups = [...current, ...added];
  s.log(contactGroupsChanged(added, []));
}
