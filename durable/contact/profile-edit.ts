import type { ContactJSON } from "../engine";
import type { Assets } from "./assets";
import { fieldValue } from "./contact";
import { iso, type Ctx } from "./context";
import { splitUrn } from "../../worker/webhooks/contacts";
import { urnChanges } from "./effects";
import * as journal from "./storage/journal";
import * as profile from "./storage/profile";
import type { Statement } from "./storage/journal";
import { contactChanged } from "./timers";
import { queueGroupStarts } from "./triggered";

type Group = { uuid: string; name: string };

/**
 * An edit of the contact from the API (PATCH /contacts, group members), checked by the Worker
 * against D1 (field types, groups, URN owners) before the object gets it. Only what is given
 * changes: a field at a time (null removes it), the URNs and the manual groups replaced whole,
 * or groups added and removed one at a time.
 */
export interface ContactEdit {
  name?: string | null;
  language?: string | null;
  timezone?: string | null;
  status?: string;
  /** Field key → its value as D1 keeps it (a number for a number field, ISO 8601 for a date) and its type; null clears it. */
  fields?: Record<string, { value: string | number; type: string } | null>;
  /** "scheme:path", normalised, preferred first. */
  urns?: string[];
  /** The manual groups the contact is in after the edit. */
  groups?: Group[];
  addGroups?: Group[];
  removeGroups?: string[];
}

/**
 * Applies an API edit to the object's copy of the contact and journals the same change for D1 as
 * targeted statements (one column, one field, one membership), in order with the flows' changes
 * the object decided before it: a flow's change to another field that has not reached D1 yet
 * survives, in the copy and in D1. The waits for a profile change or a date look again, and the
 * joined-group triggers of the groups it joined are queued. In the caller's transaction.
 */
export function applyEdit(ctx: Ctx, assets: Assets, contact: ContactJSON, edit: ContactEdit): void {
  const nowIso = iso(ctx.now());
  const next: ContactJSON = { ...contact, fields: { ...(contact.fields ?? {}) } };
  const columns: [string, string | null][] = [];
  for (const key of ["name", "language", "timezone", "status"] as const) {
    const value = edit[key];
    if (value === undefined) continue;
    columns.push([key, value]);
    if (value === null) delete next[key];
    else (next as Record<string, unknown>)[key] = value;
  }
  const removed: string[] = [];
  const set: (string | number)[] = [];
  for (const [key, v] of Object.entries(edit.fields ?? {})) {
    const path = `$."${key}"`;
    if (v === null) {
      delete next.fields![key];
      removed.push(path);
    } else {
      next.fields![key] = fieldValue(v.type, v.value);
      set.push(path, v.value);
    }
  }
  const statements: Statement[] = [];
  let fieldsSql = "fields";
  if (removed.length) fieldsSql = `json_remove(${fieldsSql}, ${removed.map(() => "?").join(", ")})`;
  if (set.length) fieldsSql = `json_set(${fieldsSql}, ${set.map(() => "?").join(", ")})`;
  if (columns.length || removed.length || set.length)
    statements.push({
      sql: `UPDATE contacts SET ${columns.map(([c]) => `${c} = ?, `).join("")}fields = ${fieldsSql}, modified_on = ? WHERE uuid = ?`,
      params: [...columns.map(([, v]) => v), ...removed, ...set, nowIso, ctx.contactUuid],
    });

  if (edit.urns) {
    // A URN the contact keeps keeps the channel it was last seen on.
    const channels = new Map((contact.urns ?? []).map((u) => [u.split("?")[0], u]));
    next.urns = edit.urns.map((u) => channels.get(u) ?? u);
    statements.push(...urnChanges(ctx.contactUuid, next.urns));
  }

  // Smart groups are computed from their query: an edit of the manual ones leaves them as they are.
  const smart = new Set((assets.engine.groups ?? []).filter((g) => g.query).map((g) => g.uuid));
  const before = new Set((contact.groups ?? []).map((g) => g.uuid));
  let groups = [...(contact.groups ?? [])];
  if (edit.groups) {
    // D1 keeps smart groups' memberships too (docs/segments.md): those stay.
    const keep = new Set([...edit.groups.map((g) => g.uuid), ...smart]);
    groups = [...groups.filter((g) => smart.has(g.uuid)), ...edit.groups];
    statements.push({ sql: "DELETE FROM group_members WHERE contact_uuid = ? AND group_uuid NOT IN (SELECT value FROM json_each(?))", params: [ctx.contactUuid, JSON.stringify([...keep])] });
  }
  for (const g of edit.addGroups ?? []) if (!groups.some((h) => h.uuid === g.uuid)) groups.push(g);
  const gone = new Set(edit.removeGroups ?? []);
  groups = groups.filter((g) => !gone.has(g.uuid));
  for (const uuid of gone) statements.push({ sql: "DELETE FROM group_members WHERE group_uuid = ? AND contact_uuid = ?", params: [uuid, ctx.contactUuid] });
  for (const g of [...(edit.groups ?? []), ...(edit.addGroups ?? [])])
    statements.push({ sql: "INSERT OR IGNORE INTO group_members (group_uuid, contact_uuid) VALUES (?, ?)", params: [g.uuid, ctx.contactUuid] });
  // As D1 lists them: by name.
  next.groups = groups.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  journal.append(ctx.sql, statements);
  profile.save(ctx.sql, next, profile.readAt(ctx.sql) ?? ctx.now());
  contactChanged(ctx.sql, ctx.now());
  queueGroupStarts(ctx.sql, assets, groups.filter((g) => !before.has(g.uuid)));
}

/**
 * The contact with this URN marked as last seen on this channel, as the Worker marks it in D1 when
 * a message comes in on another channel (worker/webhooks/contacts.ts): replies and later messages
 * go back the way the contact last wrote.
 */
export function seenOn(contact: ContactJSON, urn: string, channelUuid: string): ContactJSON {
  const want = splitUrn(urn);
  let moved = false;
  const urns = (contact.urns ?? []).map((u) => {
    const identity = u.split("?")[0];
    const have = splitUrn(identity);
    if (have.scheme !== want.scheme || have.path !== want.path || u === `${identity}?channel=${channelUuid}`) return u;
    moved = true;
    return `${identity}?channel=${channelUuid}`;
  });
  return moved ? { ...contact, urns } : contact;
}
