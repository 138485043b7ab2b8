import { contactGroupsChanged } from "../events/contact";
import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { resolveGroups } from "./groups";

export async function execute(a: ActionOf<"remove_contact_groups">, s: Scope): Promise<ActionOutcome> {
  const contact = s.session.contact;
  const current = contact.groups ?? [];
  let remove: Set<string>;
  if (a.all_groups) {
    // Query groups stay: membership there follows the query, not the flow.
    remove = new Set(current.filter((g) => !s.session.assets.group(g)?.query).map((g) => g.uuid));
  } else {
    remove = new Set();
    for (const g of resolveGroups(s, a.groups ?? [])) {
      if (g.query) s.log(error(`can't remove contacts from the query based group '${g.name}'`, "query_group"));
      else remove.add(g.uuid);
    }
  }
  const removed = current.filter((g) => remove.has(g.uuid));
  if (removed.length === 0) return;
  contact.groups = current.filter((g) => !remove.has(g.uuid));
  s.log(contactGroupsChanged([], removed));
}
