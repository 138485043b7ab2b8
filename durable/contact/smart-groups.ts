import { queryGroupChanges, withGroupChanges, type ContactJSON } from "../engine";
import { matchesQuery } from "../../worker/segments/query-matcher";
import type { Assets } from "./assets";
import type { Ctx } from "./context";
import * as journal from "./storage/journal";
import type { Statement } from "./storage/journal";
import * as profile from "./storage/profile";
import { contactChanged } from "./timers";
import { queueGroupStarts } from "./triggered";

type Group = { uuid: string; name: string };

/** Whether the workspace has any smart group (a group with a query). */
export const hasSmartGroups = (assets: Assets) => (assets.engine.groups ?? []).some((g) => g.query);

/**
 * The contact's smart-group memberships (docs/segments.md, "Smart groups") after a change outside
 * a flow (an API edit, a new contact, a smart group's new query): the contact is in each smart
 * group whose query it matches now, as the engine decides after a flow's change. Returns the
 * contact with its groups so, the D1 statements that store the difference (like a manual
 * membership's) and the groups it joined, whose joined-group triggers start. Pure.
 */
export function smartGroupChanges(assets: Assets, contact: ContactJSON, contactUuid: string): { contact: ContactJSON; statements: Statement[]; joined: Group[] } {
  if (!hasSmartGroups(assets)) return { contact, statements: [], joined: [] };
  const changes = queryGroupChanges(contact, assets.engine, assets.environment ?? {}, matchesQuery);
  if (!changes.added.length && !changes.removed.length) return { contact, statements: [], joined: [] };
  // As D1 lists them: by name.
  const groups = withGroupChanges(contact.groups ?? [], changes).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    contact: { ...contact, groups },
    statements: [
      ...changes.added.map((g) => ({ sql: "INSERT OR IGNORE INTO group_members (group_uuid, contact_uuid) VALUES (?, ?)", params: [g.uuid, contactUuid] })),
      ...changes.removed.map((g) => ({ sql: "DELETE FROM group_members WHERE group_uuid = ? AND contact_uuid = ?", params: [g.uuid, contactUuid] })),
    ],
    joined: changes.added,
  };
}

/**
 * Computes the contact's smart groups again and keeps the result: the object's copy, the D1
 * statements (journaled, written like the rest), the waits for a profile change told, and the
 * joined-group triggers of the groups it joined queued. In the caller's transaction. Whether it
 * changed anything.
 */
export function refreshSmartGroups(ctx: Ctx, assets: Assets, contact: ContactJSON): boolean {
  const r = smartGroupChanges(assets, contact, ctx.contactUuid);
  if (!r.statements.length) return false;
  journal.append(ctx.sql, r.statements);
  profile.save(ctx.sql, r.contact, profile.readAt(ctx.sql) ?? ctx.now());
  contactChanged(ctx.sql, ctx.now());
  queueGroupStarts(ctx.sql, assets, r.joined);
  return true;
}
