import type { ContactJSON } from "../engine";

/**
 * A keyword, catch-all or new-conversation trigger may be only for contacts in some groups and not
 * in others (RapidPro's `groups` and `exclude_groups`; docs/triggers.md). Manual groups only: the
 * contact's object knows its memberships, not a smart group's query answer.
 */
export interface GroupCondition {
  groups: string[];
  excludeGroups: string[];
}

/** The condition stored in a trigger's params (none: every contact). */
export function groupCondition(params: string | null): GroupCondition {
  const p = params ? (JSON.parse(params) as { groups?: string[]; exclude_groups?: string[] }) : {};
  return { groups: p.groups ?? [], excludeGroups: p.exclude_groups ?? [] };
}

/** In one of the groups (when there are any) and in none of the excluded ones. */
export function admits(t: GroupCondition, contact: ContactJSON): boolean {
  const mine = new Set((contact.groups ?? []).map((g) => g.uuid));
  return (!t.groups.length || t.groups.some((g) => mine.has(g))) && !t.excludeGroups.some((g) => mine.has(g));
}
