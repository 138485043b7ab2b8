import type { Ref } from "./events/base";
import { contactGroupsChanged } from "./events/contact";
import type { Session } from "./session/session";
import type { RunJSON, StepJSON } from "./session/types";

/** Actions after which goflow re-evaluates the contact's query groups: they change what a query reads. */
export const CONTACT_CHANGING_ACTIONS = new Set([
  "set_contact_field", "set_contact_name", "set_contact_language", "set_contact_status", "set_contact_timezone",
  "set_contact_channel", "add_contact_urn", "open_ticket",
]);

/**
 * goflow's `ReevaluateQueryGroups`: the contact is in each smart group whose query it matches (only
 * an active contact is in any), out of the others; what changed is logged as one
 * `contact_groups_changed`. Does nothing without a matcher or smart groups.
 */
export function reevaluateQueryGroups(s: Session, run: RunJSON | null, step: StepJSON | null): void {
  const matches = s.services.matchesQuery;
  const smart = (s.assets.source.groups ?? []).filter((g) => g.query);
  if (!matches || smart.length === 0) return;
  const contact = s.contact;
  const env = s.json.environment;
  const context = {
    fields: s.assets.source.fields ?? [],
    groups: s.assets.source.groups ?? [],
    ...(env.date_format ? { date_format: env.date_format } : {}),
    ...(env.timezone ? { timezone: env.timezone } : {}),
  };
  const current = contact.groups ?? [];
  const added: Ref[] = [];
  const removed: Ref[] = [];
  for (const group of smart) {
    let qualifies: boolean;
    try {
      qualifies = (contact.status ?? "active") === "active" && matches(group.query!, contact, context);
    } catch {
      continue; // a query the matcher can't read leaves the membership as it is
    }
    const member = current.some((g) => g.uuid === group.uuid);
    if (qualifies && !member) added.push({ uuid: group.uuid, name: group.name });
    if (!qualifies && member) removed.push(current.find((g) => g.uuid === group.uuid)!);
  }
  if (added.length === 0 && removed.length === 0) return;
  const gone = new Set(removed.map((g) => g.uuid));
  contact.groups = [...current.filter((g) => !gone.has(g.uuid)), ...added];
  s.log(run, step, contactGroupsChanged(added, removed));
}
