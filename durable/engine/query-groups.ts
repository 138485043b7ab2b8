import type { Ref } from "./events/base";
import { contactGroupsChanged } from "./events/contact";
import type { ContactJSON } from "./contact";
import type { SessionAssets } from "./assets";
import type { QueryMatcher } from "./services";
import type { Session } from "./session/session";
import type { EnvironmentJSON, RunJSON, StepJSON } from "./session/types";

/** Actions after which goflow re-evaluates the contact's query groups: they change what a query reads. */
export const CONTACT_CHANGING_ACTIONS = new Set([
  "set_contact_field", "set_contact_name", "set_contact_language", "set_contact_status", "set_contact_timezone",
  "set_contact_channel", "add_contact_urn", "open_ticket",
]);

/**
 * The smart groups (groups with a query) the contact enters and leaves: it is in each one whose
 * query it matches (only an active contact is in any), out of the others. A query the matcher
 * can't read leaves that membership as it is. The contact is not changed.
 */
export function queryGroupChanges(
  contact: ContactJSON,
  assets: Pick<SessionAssets, "fields" | "groups">,
  env: Pick<EnvironmentJSON, "date_format" | "timezone">,
  matches: QueryMatcher,
): { added: Ref[]; removed: Ref[] } {
  const added: Ref[] = [];
  const removed: Ref[] = [];
  const smart = (assets.groups ?? []).filter((g) => g.query);
  if (!smart.length) return { added, removed };
  const context = {
    fields: assets.fields ?? [],
    groups: assets.groups ?? [],
    ...(env.date_format ? { date_format: env.date_format } : {}),
    ...(env.timezone ? { timezone: env.timezone } : {}),
  };
  const current = contact.groups ?? [];
  for (const group of smart) {
    let qualifies: boolean;
    try {
      qualifies = (contact.status ?? "active") === "active" && matches(group.query!, contact, context);
    } catch {
      continue;
    }
    const member = current.find((g) => g.uuid === group.uuid);
    if (qualifies && !member) added.push({ uuid: group.uuid, name: group.name });
    if (!qualifies && member) removed.push(member);
  }
  return { added, removed };
}

/** The contact's groups after these changes. */
export function withGroupChanges(groups: Ref[], changes: { added: Ref[]; removed: Ref[] }): Ref[] {
  const gone = new Set(changes.removed.map((g) => g.uuid));
  return [...groups.filter((g) => !gone.has(g.uuid)), ...changes.added];
}

/**
 * goflow's `ReevaluateQueryGroups`: the contact's smart-group memberships follow their queries;
 * what changed is logged as one `contact_groups_changed`. Does nothing without a matcher.
 */
export function reevaluateQueryGroups(s: Session, run: RunJSON | null, step: StepJSON | null): void {
  const matches = s.services.matchesQuery;
  if (!matches) return;
  const changes = queryGroupChanges(s.contact, s.assets.source, s.json.environment, matches);
  if (changes.added.length === 0 && changes.removed.length === 0) return;
  s.contact.groups = withGroupChanges(s.contact.groups ?? [], changes);
  s.log(run, step, contactGroupsChanged(changes.added, changes.removed));
}
