import { and, asc, count, eq, inArray, ne, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { chunkRows, type Database } from "../db";
import { contacts, groupMembers, groups, triggers } from "../db/schema";
import { segment } from "../segments/check";
import { evaluateGroup } from "../segments/group-fanout";
import { smartGroupEnv } from "../segments/smart-groups";
import { SegmentError } from "../segments/parse";
import { Name, nonEmpty, now, Uuid } from "./common";
import type { ApiEnv } from "./context";
import { ApiError, conflict, invalid, notFound, type Issue } from "./errors";
import { editContacts } from "./contact-objects";
import { describe, validate } from "./openapi";

const tag = "groups";

export const GroupCreate = z.strictObject({
  name: Name(64),
  query: z.string().trim().min(1).max(1000).nullable().optional().describe("makes a smart group: members are the contacts the query matches"),
});
export const GroupUpdate = GroupCreate.partial();
export const GroupOut = z.object({ uuid: z.string(), name: z.string(), query: z.string().nullable(), count: z.number().int(), created_on: z.string() });
export const Members = z.strictObject({ contacts: z.array(Uuid).min(1).max(500) });

type Row = Omit<typeof groups.$inferSelect, "modifiedOn">;

// A smart group's members are stored like a manual group's (each contact's object computes them), so both are counted the same way.
const memberCount = sql<number>`(SELECT COUNT(*) FROM ${groupMembers} WHERE ${groupMembers.groupUuid} = ${groups.uuid})`;
const columns = { uuid: groups.uuid, name: groups.name, query: groups.query, createdOn: groups.createdOn, count: memberCount };
const out = (r: Row & { count: number }): z.infer<typeof GroupOut> => ({ uuid: r.uuid, name: r.name, query: r.query, count: r.count, created_on: r.createdOn });

async function findGroup(db: Database, uuid: string) {
  const row = await db.select(columns).from(groups).where(eq(groups.uuid, uuid)).get();
  if (!row) throw notFound("group", uuid);
  return row;
}

/** Group names are unique regardless of case. */
async function checkName(db: Database, name: string, except = "") {
  const clash = await db.select({ uuid: groups.uuid }).from(groups).where(and(sql`lower(${groups.name}) = lower(${name})`, ne(groups.uuid, except))).get();
  if (clash) throw conflict(`there is already a group called ${name}`, [{ path: "name", message: "is taken" }]);
}

/** A smart group's query must check against the fields, groups and date format as they are: 422 naming where it goes wrong. */
async function checkQuery(db: Database, query: string): Promise<void> {
  try {
    segment(query, await smartGroupEnv(db));
  } catch (e) {
    if (!(e instanceof SegmentError)) throw e;
    const message = `${e.message}, at position ${e.start}${e.end > e.start ? ` ("${query.slice(e.start, e.end)}")` : ""}`;
    throw new ApiError(422, "invalid_query", `query: ${message}`, [{ path: "query", message }]);
  }
}

function manualGroup(group: { uuid: string; query: string | null }) {
  if (group.query) throw conflict(`group ${group.uuid} is a smart group: its members come from its query`);
}

export const groupRoutes = new Hono<ApiEnv>()
  .post("/", describe({ tag, summary: "Create a group", status: 201, response: GroupOut }), validate("json", GroupCreate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    await checkName(db, body.name);
    if (body.query) await checkQuery(db, body.query);
    const uuid = crypto.randomUUID();
    await db.insert(groups).values({ uuid, name: body.name, query: body.query ?? null, modifiedOn: now() });
    // Its members: the contacts its query matches, computed by their objects a page at a time.
    if (body.query) await evaluateGroup(c.env, new URL(c.req.url).origin, { uuid, query: body.query });
    return c.json(out(await findGroup(db, uuid)), 201);
  })
  .get("/", describe({ tag, summary: "List groups by name, with member counts", response: z.object({ results: z.array(GroupOut) }) }), async (c) => {
    const db = c.get("db");
    const rows = await db.select(columns).from(groups).orderBy(asc(groups.name));
    return c.json({ results: rows.map(out) });
  })
  .get("/:uuid", describe({ tag, summary: "Get a group (its members: GET /contacts?group=)", response: GroupOut }), async (c) => {
    return c.json(out(await findGroup(c.get("db"), c.req.param("uuid"))));
  })
  .patch("/:uuid", describe({ tag, summary: "Rename a group or change its query", response: GroupOut }), validate("json", GroupUpdate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const group = await findGroup(db, c.req.param("uuid"));
    if (body.name) await checkName(db, body.name, group.uuid);
    if (body.query && group.count > 0 && !group.query) throw conflict(`group ${group.uuid} has members added by hand; remove them before giving it a query`);
    if (body.query) await checkQuery(db, body.query);
    await db
      .update(groups)
      .set({ ...(body.name ? { name: body.name } : {}), ...(body.query !== undefined ? { query: body.query } : {}), modifiedOn: now() })
      .where(eq(groups.uuid, group.uuid));
    // A new query: its members are computed again. (A query removed leaves the members it had, now kept by hand.)
    if (body.query && body.query !== group.query) await evaluateGroup(c.env, new URL(c.req.url).origin, { uuid: group.uuid, query: body.query });
    return c.json(out(await findGroup(db, group.uuid)));
  })
  .delete("/:uuid", describe({ tag, summary: "Delete a group (its contacts stay)", status: 204, response: null }), async (c) => {
    const db = c.get("db");
    const group = await findGroup(db, c.req.param("uuid"));
    const [{ n }] = await db.select({ n: count() }).from(triggers).where(eq(triggers.groupUuid, group.uuid));
    if (n > 0) throw conflict(`group ${group.uuid} starts flows through ${n} trigger${n === 1 ? "" : "s"}; delete them first`);
    await db.batch([db.delete(groupMembers).where(eq(groupMembers.groupUuid, group.uuid)), db.delete(groups).where(eq(groups.uuid, group.uuid))]);
    return c.body(null, 204);
  })
  .post("/:uuid/members", describe({ tag, summary: "Add contacts to a group (those already in it stay)", response: GroupOut }), validate("json", Members), async (c) => {
    const db = c.get("db");
    const group = await findGroup(db, c.req.param("uuid"));
    manualGroup(group);
    const wanted = c.req.valid("json").contacts;
    const found = new Set<string>();
    for (const chunk of chunkRows(wanted, 1)) for (const r of await db.select({ uuid: contacts.uuid }).from(contacts).where(inArray(contacts.uuid, chunk))) found.add(r.uuid);
    const issues: Issue[] = wanted.flatMap((u, i) => (found.has(u) ? [] : [{ path: `contacts.${i}`, message: `no contact ${u}` }]));
    if (issues.length) throw invalid(issues);
    // Each contact's object adds it and writes D1 before answering (one call each, at most 500), and
    // starts the group's joined-group triggers if the contact was not in it.
    await editContacts(c.env, new URL(c.req.url).origin, [...found].map((u) => [u, { addGroups: [{ uuid: group.uuid, name: group.name }] }]));
    return c.json(out(await findGroup(db, group.uuid)));
  })
  .delete("/:uuid/members/:contact", describe({ tag, summary: "Remove a contact from a group", status: 204, response: null }), async (c) => {
    const db = c.get("db");
    const group = await findGroup(db, c.req.param("uuid"));
    manualGroup(group);
    const contact = c.req.param("contact");
    const member = await db
      .select({ uuid: groupMembers.contactUuid })
      .from(groupMembers)
      .where(and(eq(groupMembers.groupUuid, group.uuid), eq(groupMembers.contactUuid, contact)))
      .get();
    if (!member) throw notFound(`member of group ${group.uuid}`, contact);
    await editContacts(c.env, new URL(c.req.url).origin, [[contact, { removeGroups: [group.uuid] }]]);
    return c.body(null, 204);
  });
