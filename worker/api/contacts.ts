import { and, asc, desc, eq, exists, inArray, or, sql, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { chunkRows, type Database } from "../db";
import { contacts, contactUrns, fields, goalPerformers, groupMembers, groups, messages, runResults, runs } from "../db/schema";
import { asciiLower } from "../segments/check";
import { Language, Name, nonEmpty, now, Timezone, Uuid } from "./common";
import type { ApiEnv } from "./context";
import { conflict, invalid, invalidField, notFound, type Issue } from "./errors";
import { FieldKey } from "./fields";
import { editContacts, type ContactEdit } from "./contact-objects";
import { contactDatesChanged } from "../triggers/plan-fanout";
import { newContactSmartGroups, notifyJoined, watchedGroups } from "./joined-groups";
import { describe, validate } from "./openapi";
import { afterCursor, page, PageQuery, toPage } from "./pagination";
import { isCountry, normalizeUrn, urnString, type Urn } from "./urns";

const tag = "contacts";

export const ContactStatus = z.enum(["active", "blocked", "stopped", "archived"]);
const Country = z.string().refine(isCountry, "must be an ISO 3166 country code, like RW").describe("for phone numbers written without their country code");
const FieldValue = z.union([z.string().max(640), z.number(), z.null()]).describe("null clears the field");

const contactBody = {
  name: Name(128, 0).nullable().optional(),
  language: Language.nullable().optional(),
  timezone: Timezone.nullable().optional(),
  status: ContactStatus.optional(),
  urns: z.array(z.string()).max(100).optional().describe('"scheme:path", preferred first; on update, replaces all of them'),
  fields: z.record(z.string(), FieldValue).optional().describe("field key -> value; on update, only the keys given change"),
  groups: z.array(Uuid).max(100).optional().describe("group UUIDs; on update, replaces the memberships"),
  country: Country.optional(),
};
export const ContactCreate = z.strictObject(contactBody);
export const ContactUpdate = z.strictObject(contactBody);
type ContactBody = z.infer<typeof ContactUpdate>;

export const ContactOut = z.object({
  uuid: z.string(),
  name: z.string().nullable(),
  language: z.string().nullable(),
  timezone: z.string().nullable(),
  status: ContactStatus,
  urns: z.array(z.string()),
  fields: z.record(z.string(), z.union([z.string(), z.number()])),
  groups: z.array(z.object({ uuid: z.string(), name: z.string() })),
  created_on: z.string(),
  modified_on: z.string(),
  last_seen_on: z.string().nullable(),
});
type ContactOut = z.infer<typeof ContactOut>;

export const ContactQuery = PageQuery.extend({
  urn: z.string().optional().describe("exact URN, normalised like stored URNs"),
  name: z.string().min(1).optional(),
  name_match: z.enum(["prefix", "contains"]).default("prefix").describe("case-insensitive"),
  group: Uuid.optional(),
  country: Country.optional(),
}).catchall(z.string().describe("field.<key>=<value>: contacts whose field equals the value"));

type ContactRow = typeof contacts.$inferSelect;

/** Turns the body's URNs into canonical ones, naming each bad one. */
function normalizeUrns(raw: string[], country: string | undefined, issues: Issue[]): Urn[] {
  const seen = new Set<string>();
  const urns: Urn[] = [];
  raw.forEach((u, i) => {
    const n = normalizeUrn(u, country);
    if (!n.ok) issues.push({ path: `urns.${i}`, message: n.message });
    else if (!seen.has(urnString(n.urn))) {
      seen.add(urnString(n.urn));
      urns.push(n.urn);
    }
  });
  return urns;
}

/** Checks field values against the fields' types: numbers are stored as numbers, dates as ISO 8601. */
async function checkFields(db: Database, values: Record<string, string | number | null>, issues: Issue[]) {
  const keys = Object.keys(values);
  const defs = new Map<string, string>();
  if (!keys.length) return { values: {}, types: defs };
  for (const chunk of chunkRows(keys, 1)) for (const f of await db.select({ key: fields.key, type: fields.type }).from(fields).where(inArray(fields.key, chunk))) defs.set(f.key, f.type);
  const out: Record<string, string | number | null> = {};
  for (const [key, value] of Object.entries(values)) {
    const type = defs.get(key);
    const path = `fields.${key}`;
    if (!type) issues.push({ path, message: FieldKey.safeParse(key).success ? `no field ${key}; create it first` : "is not a field key" });
    else if (value === null) out[key] = null;
    else if (type === "number") {
      const n = typeof value === "number" ? value : value.trim() === "" ? NaN : Number(value);
      if (Number.isFinite(n)) out[key] = n;
      else issues.push({ path, message: "must be a number" });
    } else if (type === "datetime") {
      const t = Date.parse(String(value));
      if (Number.isNaN(t)) issues.push({ path, message: "must be a date, ISO 8601 like 2026-11-21T10:00:00Z" });
      else out[key] = new Date(t).toISOString();
    } else out[key] = String(value);
  }
  return { values: out, types: defs };
}

async function checkGroups(db: Database, uuids: string[], issues: Issue[]): Promise<{ uuid: string; name: string }[]> {
  const unique = [...new Set(uuids)];
  const found = new Map<string, { uuid: string; name: string; query: string | null }>();
  for (const chunk of chunkRows(unique, 1))
    for (const g of await db.select({ uuid: groups.uuid, name: groups.name, query: groups.query }).from(groups).where(inArray(groups.uuid, chunk))) found.set(g.uuid, g);
  uuids.forEach((u, i) => {
    const g = found.get(u);
    if (!g) issues.push({ path: `groups.${i}`, message: `no group ${u}` });
    else if (g.query) issues.push({ path: `groups.${i}`, message: `group ${u} is a smart group: its members come from its query` });
  });
  return unique.flatMap((u) => {
    const g = found.get(u);
    return g ? [{ uuid: g.uuid, name: g.name }] : [];
  });
}

/** URNs already held by another contact: a 409 naming each one. */
async function checkUrnOwners(db: Database, urns: Urn[], contactUuid: string) {
  const issues: Issue[] = [];
  for (const chunk of chunkRows(urns, 2)) {
    const held = await db
      .select()
      .from(contactUrns)
      .where(or(...chunk.map((u) => and(eq(contactUrns.scheme, u.scheme), eq(contactUrns.path, u.path)))));
    for (const t of held.filter((h) => h.contactUuid !== contactUuid)) {
      const i = urns.findIndex((u) => u.scheme === t.scheme && u.path === t.path);
      issues.push({ path: `urns.${i}`, message: `${urnString(t)} belongs to contact ${t.contactUuid}` });
    }
  }
  if (issues.length) throw conflict("a URN belongs to another contact", issues);
}

/** Validates a create or update body completely before anything is written. */
async function prepare(db: Database, body: ContactBody, contactUuid: string) {
  const issues: Issue[] = [];
  const urns = body.urns ? normalizeUrns(body.urns, body.country, issues) : undefined;
  const checked = body.fields ? await checkFields(db, body.fields, issues) : { values: {}, types: new Map<string, string>() };
  const groupList = body.groups ? await checkGroups(db, body.groups, issues) : undefined;
  if (issues.length) throw invalid(issues);
  if (urns) await checkUrnOwners(db, urns, contactUuid);
  return { urns, fieldValues: checked.values, fieldTypes: checked.types, groupList, groupUuids: groupList?.map((g) => g.uuid) };
}

function writes(db: Database, uuid: string, prepared: Awaited<ReturnType<typeof prepare>>) {
  const { urns, groupUuids } = prepared;
  return [
    ...(urns
      ? [
          db.delete(contactUrns).where(eq(contactUrns.contactUuid, uuid)),
          ...chunkRows(urns.map((u, priority) => ({ ...u, contactUuid: uuid, priority })), 4).map((rows) => db.insert(contactUrns).values(rows)),
        ]
      : []),
    ...(groupUuids
      ? [
          db.delete(groupMembers).where(eq(groupMembers.contactUuid, uuid)),
          ...chunkRows(groupUuids.map((groupUuid) => ({ groupUuid, contactUuid: uuid })), 2).map((rows) => db.insert(groupMembers).values(rows)),
        ]
      : []),
  ];
}

/** The contacts with their URNs (preferred first) and groups, loaded for a whole page at once. */
async function withRelations(db: Database, rows: ContactRow[]): Promise<ContactOut[]> {
  const uuids = rows.map((r) => r.uuid);
  const urnsOf = new Map<string, string[]>();
  const groupsOf = new Map<string, { uuid: string; name: string }[]>();
  for (const chunk of chunkRows(uuids, 1)) {
    if (!chunk.length) continue;
    const urns = await db.select().from(contactUrns).where(inArray(contactUrns.contactUuid, chunk)).orderBy(asc(contactUrns.priority));
    for (const u of urns) urnsOf.set(u.contactUuid, [...(urnsOf.get(u.contactUuid) ?? []), urnString(u)]);
    const gs = await db
      .select({ contactUuid: groupMembers.contactUuid, uuid: groups.uuid, name: groups.name })
      .from(groupMembers)
      .innerJoin(groups, eq(groups.uuid, groupMembers.groupUuid))
      .where(inArray(groupMembers.contactUuid, chunk))
      .orderBy(asc(groups.name));
    for (const g of gs) groupsOf.set(g.contactUuid, [...(groupsOf.get(g.contactUuid) ?? []), { uuid: g.uuid, name: g.name }]);
  }
  return rows.map((r) => ({
    uuid: r.uuid,
    name: r.name,
    language: r.language,
    timezone: r.timezone,
    status: r.status,
    urns: urnsOf.get(r.uuid) ?? [],
    fields: r.fields,
    groups: groupsOf.get(r.uuid) ?? [],
    created_on: r.createdOn,
    modified_on: r.modifiedOn,
    last_seen_on: r.lastSeenOn,
  }));
}

async function findContact(db: Database, uuid: string): Promise<ContactRow> {
  const row = await db.select().from(contacts).where(eq(contacts.uuid, uuid)).get();
  if (!row) throw notFound("contact", uuid);
  return row;
}

/** A checked update body as the contact's object applies it (durable/contact/profile-edit.ts). */
function editOf(body: ContactBody, prepared: Awaited<ReturnType<typeof prepare>>): ContactEdit {
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.language !== undefined ? { language: body.language } : {}),
    ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
    ...(body.status !== undefined ? { status: body.status } : {}),
    fields: Object.fromEntries(Object.entries(prepared.fieldValues).map(([k, v]) => [k, v === null ? null : { value: v, type: prepared.fieldTypes.get(k)! }])),
    ...(prepared.urns ? { urns: prepared.urns.map(urnString) } : {}),
    ...(prepared.groupList ? { groups: prepared.groupList } : {}),
  };
}

/** Merges field changes: null removes the key. */
function mergeFields(current: Record<string, string | number>, changes: Record<string, string | number | null>) {
  const next = { ...current };
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete next[k];
    else next[k] = v;
  }
  return next;
}

/** The search's WHERE conditions; unknown field keys and bad URNs are 400s naming the parameter. */
async function searchConditions(db: Database, q: z.infer<typeof ContactQuery>): Promise<(SQL | undefined)[] | null> {
  const conditions: (SQL | undefined)[] = [afterCursor(q.cursor as string | undefined, contacts.createdOn, contacts.uuid)];
  if (q.urn) {
    const n = normalizeUrn(q.urn, q.country);
    if (!n.ok) throw invalidField("urn", n.message);
    const owner = await db.select({ uuid: contactUrns.contactUuid }).from(contactUrns).where(and(eq(contactUrns.scheme, n.urn.scheme), eq(contactUrns.path, n.urn.path))).get();
    if (!owner) return null;
    conditions.push(eq(contacts.uuid, owner.uuid));
  }
  if (q.name) {
    // SQLite's lower() folds only ASCII letters; the search term is folded the same way.
    const term = asciiLower(q.name);
    conditions.push(
      q.name_match === "contains"
        ? sql`lower(${contacts.name}) LIKE ${"%" + term.replace(/[\\%_]/g, (ch) => "\\" + ch) + "%"} ESCAPE '\\'`
        : // A range on lower(name) uses the contacts_name index; U+10FFFF sorts after every character.
          sql`lower(${contacts.name}) >= ${term} AND lower(${contacts.name}) < ${term + "\u{10FFFF}"}`,
    );
  }
  if (q.group) {
    // A smart group's members are stored like a manual group's (their objects compute them).
    conditions.push(exists(db.select({ one: sql`1` }).from(groupMembers).where(and(eq(groupMembers.groupUuid, q.group), eq(groupMembers.contactUuid, contacts.uuid)))));
  }
  for (const [param, value] of Object.entries(q)) {
    if (!param.startsWith("field.")) continue;
    const key = param.slice("field.".length);
    const field = await db.select({ type: fields.type }).from(fields).where(eq(fields.key, key)).get();
    if (!field) throw invalidField(param, `no field ${key}`);
    const typed = field.type === "number" ? Number(value) : String(value);
    if (typeof typed === "number" && !Number.isFinite(typed)) throw invalidField(param, "must be a number");
    conditions.push(sql`json_extract(${contacts.fields}, ${"$." + key}) = ${typed}`);
  }
  return conditions;
}

export const contactRoutes = new Hono<ApiEnv>()
  .post("/", describe({ tag, summary: "Create a contact", status: 201, response: ContactOut }), validate("json", ContactCreate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const uuid = crypto.randomUUID();
    const prepared = await prepare(db, body, uuid);
    const at = now();
    const fieldValues = mergeFields({}, prepared.fieldValues);
    await db.batch([
      db.insert(contacts).values({ uuid, name: body.name ?? null, language: body.language ?? null, timezone: body.timezone ?? null, status: body.status ?? "active", fields: fieldValues, createdOn: at, modifiedOn: at }),
      ...writes(db, uuid, prepared),
    ]);
    const watched = await watchedGroups(c.env.DB, prepared.groupUuids ?? []);
    if (watched.length) await notifyJoined(c.env, new URL(c.req.url).origin, new Map([[uuid, watched]]));
    await newContactSmartGroups(c.env, new URL(c.req.url).origin, uuid);
    await contactDatesChanged(c.env, uuid, { fields: Object.keys(prepared.fieldValues), timezone: !!body.timezone });
    const [out] = await withRelations(db, [await findContact(db, uuid)]);
    return c.json(out, 201);
  })
  .get("/", describe({ tag, summary: "List and search contacts (by URN, name, group, field.<key>), newest first", response: page(ContactOut) }), validate("query", ContactQuery), async (c) => {
    const q = c.req.valid("query");
    const db = c.get("db");
    const conditions = await searchConditions(db, q);
    if (!conditions) return c.json({ results: [], next: null });
    const rows = await db
      .select()
      .from(contacts)
      .where(and(...conditions))
      .orderBy(desc(contacts.createdOn), desc(contacts.uuid))
      .limit(q.limit + 1);
    const pageOf = toPage(rows, q.limit, (r) => r);
    return c.json({ results: await withRelations(db, pageOf.results), next: pageOf.next });
  })
  .get("/:uuid", describe({ tag, summary: "Get a contact", response: ContactOut }), async (c) => {
    const db = c.get("db");
    const [out] = await withRelations(db, [await findContact(db, c.req.param("uuid"))]);
    return c.json(out);
  })
  .patch("/:uuid", describe({ tag, summary: "Update a contact: only what is given changes", response: ContactOut }), validate("json", ContactUpdate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const contact = await findContact(db, c.req.param("uuid"));
    const prepared = await prepare(db, body, contact.uuid);
    // The object makes the change, field by field, and writes D1 before it answers; it starts the
    // joined-group triggers of the groups the contact was not in and plans its dates again.
    const gone = await editContacts(c.env, new URL(c.req.url).origin, [[contact.uuid, editOf(body, prepared)]]);
    if (gone.length) throw notFound("contact", contact.uuid);
    const [out] = await withRelations(db, [await findContact(db, contact.uuid)]);
    return c.json(out);
  })
  .delete("/:uuid", describe({ tag, summary: "Delete a contact with its URNs, memberships, messages and runs", status: 204, response: null }), async (c) => {
    const db = c.get("db");
    const { uuid } = await findContact(db, c.req.param("uuid"));
    // The contact's object wipes itself first: if that fails, nothing is deleted and the call can be repeated.
    await c.env.CONTACTS.getByName(uuid).forget();
    await db.batch(
      nonEmpty([
        db.delete(runResults).where(inArray(runResults.runUuid, db.select({ uuid: runs.uuid }).from(runs).where(eq(runs.contactUuid, uuid)))),
        db.delete(runs).where(eq(runs.contactUuid, uuid)),
        db.delete(goalPerformers).where(eq(goalPerformers.contactUuid, uuid)),
        db.delete(messages).where(eq(messages.contactUuid, uuid)),
        db.delete(groupMembers).where(eq(groupMembers.contactUuid, uuid)),
        db.delete(contactUrns).where(eq(contactUrns.contactUuid, uuid)),
        db.delete(contacts).where(eq(contacts.uuid, uuid)),
      ]),
    );
    return c.body(null, 204);
  });
