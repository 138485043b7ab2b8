import type { GroupAsset } from "../assets";
import { error } from "../events/diagnostics";
import type { Scope } from "./base";

/** Resolves group references: by UUID, or by a name template (`name_match`) evaluated now. */
export function resolveGroups(s: Scope, refs: ({ uuid: string; name: string } | { name_match: string })[]): GroupAsset[] {
  const out: GroupAsset[] = [];
  for (const ref of refs) {
    const byName = "name_match" in ref;
    const name = byName ? s.strictText(ref.name_match) : undefined;
    if (byName && name === undefined) continue; // the error is logged; the group is skipped (goflow)
    const group = byName ? s.session.assets.group({ name: name! }) : s.session.assets.group(ref);
    if (group) out.push(group);
    else s.log(error(`no such group: ${byName ? ref.name_match : ref.name}`, "missing_dependency"));
  }
  return out;
}
