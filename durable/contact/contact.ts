import type { ContactJSON, FieldValue } from "../engine";
import type { Assets } from "./assets";
import type { Ctx } from "./context";
import * as dnc from "./do-not-contact";
import { assetsAfterCheck, stampStatement, trustedAssets } from "./fresh-assets";
import * as profile from "./storage/profile";

/**
 * What an operation starts from: the assets and the contact. The contact comes from the object's
 * own copy (storage/profile.ts) once it has one, else from D1, in the same round trip as the
 * assets' stamp when those need checking too; a contact the object has seen costs no D1 query.
 * Every change to one contact reaches its object first (docs/contact-session.md, "Who owns the
 * contact"), so the copy is never read again.
 */
export async function loadWorld(ctx: Ctx): Promise<{ assets: Assets; contact: ContactJSON | null }> {
  const now = ctx.now();
  const kept = profile.get(ctx.sql);
  const trusted = trustedAssets(now);
  if (kept && trusted) return { assets: trusted, contact: asAssetsHaveIt(kept.contact, trusted) };
  const db = ctx.db;
  const reads = [
    ...(trusted ? [] : [stampStatement(db)]),
    ...(kept
      ? []
      : [
          db.prepare("SELECT uuid, name, language, timezone, status, fields, created_on, last_seen_on FROM contacts WHERE uuid = ?").bind(ctx.contactUuid),
          db.prepare("SELECT scheme, path, channel_uuid FROM contact_urns WHERE contact_uuid = ? ORDER BY priority, scheme, path").bind(ctx.contactUuid),
          db.prepare("SELECT g.uuid, g.name FROM group_members m JOIN groups g ON g.uuid = m.group_uuid WHERE m.contact_uuid = ? ORDER BY g.name").bind(ctx.contactUuid),
          // Which of its addresses are on the do-not-contact list: sends check the object's copy.
          db.prepare(dnc.listedOfContactSql).bind(ctx.contactUuid),
        ]),
  ];
  const results = await db.batch(reads);
  const assets = trusted ?? (await assetsAfterCheck(db, (results.shift()!.results[0] as { stamp: string }).stamp, now));
  if (kept) return { assets, contact: asAssetsHaveIt(kept.contact, assets) };
  const [contactRows, urnRows, groupRows, listedRows] = results;
  const row = contactRows.results[0] as Record<string, any> | undefined;
  if (!row) return { assets, contact: null };
  const stored = JSON.parse(row.fields ?? "{}") as Record<string, string | number>;
  const fields: Record<string, FieldValue> = {};
  for (const [key, value] of Object.entries(stored)) fields[key] = fieldValue(assets.fieldTypes.get(key), value);
  const contact: ContactJSON = {
    uuid: row.uuid,
    status: row.status,
    created_on: row.created_on,
    urns: (urnRows.results as { scheme: string; path: string; channel_uuid: string | null }[]).map(
      (u) => `${u.scheme}:${u.path}${u.channel_uuid ? `?channel=${u.channel_uuid}` : ""}`,
    ),
    groups: groupRows.results as { uuid: string; name: string }[],
    fields,
    ...(row.name ? { name: row.name } : {}),
    ...(row.language ? { language: row.language } : {}),
    ...(row.timezone ? { timezone: row.timezone } : {}),
    ...(row.last_seen_on ? { last_seen_on: row.last_seen_on } : {}),
  };
  profile.save(ctx.sql, contact, now);
  dnc.saveRead(ctx.sql, contact, listedRows.results as { address: string }[]);
  return { assets, contact };
}

/** Each loaded assets' group names by UUID, made once. */
const groupNames = new WeakMap<Assets, Map<string, string>>();

/**
 * The kept copy as the assets now name things: edits of many contacts at once (a group renamed or
 * deleted, a field deleted or its type changed) are made in D1 by the API and reach each copy
 * through the assets, which every operation reads, not through a call to every object.
 */
export function asAssetsHaveIt(contact: ContactJSON, assets: Assets): ContactJSON {
  let names = groupNames.get(assets);
  if (!names) groupNames.set(assets, (names = new Map((assets.engine.groups ?? []).map((g) => [g.uuid, g.name]))));
  const groups = contact.groups ?? [];
  const renamed = groups.some((g) => names.get(g.uuid) !== g.name);
  let fields = contact.fields ?? {};
  for (const [key, v] of Object.entries(fields)) {
    const type = assets.fieldTypes.get(key);
    // A reading the field's (new) type wants and the copy has not got: as a D1 read would give it.
    const retype = !!type && !!v && ((type === "number" && v.number === undefined) || (type === "datetime" && v.datetime === undefined));
    if (type && !retype) continue;
    if (fields === contact.fields) fields = { ...fields };
    if (type) fields[key] = fieldValue(type, v!.text);
    else delete fields[key];
  }
  if (!renamed && fields === (contact.fields ?? {})) return contact;
  return {
    ...contact,
    fields,
    groups: renamed ? groups.filter((g) => names.has(g.uuid)).map((g) => ({ uuid: g.uuid, name: names.get(g.uuid)! })) : groups,
  };
}

/** D1 keeps numbers as numbers and everything else as text; goflow wants every typed reading. */
export function fieldValue(type: string | undefined, v: string | number): FieldValue {
  const text = String(v);
  if (typeof v === "number" || type === "number") {
    const n = Number(v);
    return Number.isFinite(n) ? { text, number: n } : { text };
  }
  if (type === "datetime") return { text, datetime: text };
  return { text };
}

/** The reverse, for write-through: what D1's fields column keeps for an engine value. */
export function storedFieldValue(type: string | undefined, v: FieldValue): string | number {
  if (type === "number" && v.number !== undefined) return v.number;
  if (type === "datetime" && v.datetime) {
    const t = Date.parse(v.datetime);
    return Number.isNaN(t) ? v.text : new Date(t).toISOString();
  }
  return v.text;
}
