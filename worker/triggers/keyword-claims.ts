/**
 * When two keyword triggers on overlapping channels may share a keyword, or two catch-all (or
 * new-conversation) triggers a channel (docs/triggers.md, "Groups on message triggers"): as in
 * RapidPro, when they are for different contacts, that is, each is restricted to groups and no
 * group is in both. Two triggers without groups, or with a group in common, would both take the
 * same contact's message: the second is refused. A trigger without groups and one with groups may
 * share it: the one with groups wins for its members. Excluded groups do not count.
 */
export function groupsOverlap(a: { groups?: string[] } | null | undefined, b: { groups?: string[] } | null | undefined): boolean {
  const x = a?.groups ?? [];
  const y = b?.groups ?? [];
  if (!x.length || !y.length) return !x.length && !y.length;
  return x.some((g) => y.includes(g));
}
