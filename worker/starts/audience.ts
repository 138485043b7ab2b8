import { ApiError, invalid, type Issue } from "../api/errors";
import { normalizeUrn, urnString, type Urn } from "../api/urns";
import { chunkRows } from "../db";
import { segment, type SegmentEnv } from "../segments/check";
import { compileSql } from "../segments/compile-sql";
import { SegmentError } from "../segments/parse";
import type { Audience } from "./spec";

/** A WHERE clause over `contacts` with numbered parameters (?1..?n), as worker/segments compiles them. */
export type Where = { where: string; params: (string | number)[] };

type GroupRow = { uuid: string; name: string; query: string | null };

async function segmentEnv(db: D1Database): Promise<SegmentEnv> {
  const [fields, groups] = await db.batch([db.prepare("SELECT key, name, type FROM fields"), db.prepare("SELECT name FROM groups")]);
  return { fields: fields.results as unknown as SegmentEnv["fields"], groups: (groups.results as { name: string }[]).map((g) => g.name) };
}

async function groupRows(db: D1Database, uuids: string[]): Promise<Map<string, GroupRow>> {
  const found = new Map<string, GroupRow>();
  for (const chunk of chunkRows(uuids, 1)) {
    const rows = await db.prepare(`SELECT uuid, name, query FROM groups WHERE uuid IN (${chunk.map(() => "?").join(",")})`).bind(...chunk).all<GroupRow>();
    for (const g of rows.results) found.set(g.uuid, g);
  }
  return found;
}

/** A query compiled, leaving room in the statement for the page query's own parameters. */
function compile(query: string, env: SegmentEnv): Where {
  return compileSql(segment(query, env), { maxParams: 80 });
}

/** A segment error as the API reports it: 422, with the message and where in the query it is. */
function badQuery(path: string, query: string, e: SegmentError): ApiError {
  const excerpt = e.end > e.start ? ` ("${query.slice(e.start, e.end)}")` : "";
  const message = `${e.message}, at position ${e.start}${excerpt}`;
  return new ApiError(422, "invalid_query", `${path}: ${message}`, [{ path, message }]);
}

/**
 * Checks an audience before anything is written: the contacts and groups exist, the URNs are
 * URNs, the query (and each smart group's) compiles. Throws the API's 400, or 422 for a query.
 */
export async function checkAudience(db: D1Database, a: Audience, at = "audience"): Promise<void> {
  const issues: Issue[] = [];
  const contacts = a.contacts ?? [];
  const known = new Set<string>();
  for (const chunk of chunkRows(contacts, 1)) {
    const rows = await db.prepare(`SELECT uuid FROM contacts WHERE uuid IN (${chunk.map(() => "?").join(",")})`).bind(...chunk).all<{ uuid: string }>();
    for (const r of rows.results) known.add(r.uuid);
  }
  contacts.forEach((u, i) => known.has(u) || issues.push({ path: `${at}.contacts.${i}`, message: `no contact ${u}` }));
  (a.urns ?? []).forEach((u, i) => {
    const n = normalizeUrn(u, a.country);
    if (!n.ok) issues.push({ path: `${at}.urns.${i}`, message: n.message });
  });
  const groups = await groupRows(db, a.groups ?? []);
  (a.groups ?? []).forEach((u, i) => groups.has(u) || issues.push({ path: `${at}.groups.${i}`, message: `no group ${u}` }));
  if (issues.length) throw invalid(issues);

  const smart = (a.groups ?? []).map((u, i) => ({ i, g: groups.get(u)! })).filter(({ g }) => g.query);
  if (!a.query && !smart.length) return;
  const env = await segmentEnv(db);
  for (const [path, query] of [...(a.query ? [[`${at}.query`, a.query]] : []), ...smart.map(({ i, g }) => [`${at}.groups.${i}`, g.query!])]) {
    try {
      compile(query, env);
    } catch (e) {
      if (e instanceof SegmentError) throw badQuery(path, query, e);
      throw e;
    }
  }
}

async function owners(db: D1Database, urns: Urn[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunkRows(urns, 2)) {
    const rows = await db
      .prepare(`SELECT scheme, path, contact_uuid FROM contact_urns WHERE ${chunk.map(() => "(scheme = ? AND path = ?)").join(" OR ")}`)
      .bind(...chunk.flatMap((u) => [u.scheme, u.path]))
      .all<{ scheme: string; path: string; contact_uuid: string }>();
    for (const r of rows.results) found.set(urnString(r), r.contact_uuid);
  }
  return found;
}

/**
 * The contacts an audience names one by one: those given by UUID, and the owners of its URNs,
 * created (active, no name) for URNs nobody has yet. The audience has been checked.
 */
export async function namedContacts(db: D1Database, a: Audience, at: string): Promise<string[]> {
  const uuids = new Set(a.contacts ?? []);
  const urns = new Map<string, Urn>();
  for (const raw of a.urns ?? []) {
    const n = normalizeUrn(raw, a.country);
    if (n.ok) urns.set(urnString(n.urn), n.urn);
  }
  let found = await owners(db, [...urns.values()]);
  const missing = [...urns.entries()].filter(([key]) => !found.has(key)).map(([, urn]) => urn);
  if (missing.length) {
    const created = missing.map((urn) => ({ urn, uuid: crypto.randomUUID() }));
    const statements = [
      ...chunkRows(created, 3).map((rows) =>
        db.prepare(`INSERT INTO contacts (uuid, created_on, modified_on) VALUES ${rows.map(() => "(?, ?, ?)").join(", ")}`).bind(...rows.flatMap((r) => [r.uuid, at, at])),
      ),
      // A URN another request claimed meanwhile keeps its owner; the contact made for it here goes unused.
      ...chunkRows(created, 3).map((rows) =>
        db.prepare(`INSERT OR IGNORE INTO contact_urns (scheme, path, contact_uuid) VALUES ${rows.map(() => "(?, ?, ?)").join(", ")}`).bind(...rows.flatMap((r) => [r.urn.scheme, r.urn.path, r.uuid])),
      ),
    ];
    await db.batch(statements);
    found = await owners(db, [...urns.values()]);
  }
  for (const owner of found.values()) uuids.add(owner);
  return [...uuids];
}

/** Renumbers a compiled clause's ?n placeholders to follow `offset` parameters already bound. */
function shift(w: Where, offset: number): string {
  return w.where.replace(/\?(\d+)/g, (_, n: string) => `?${Number(n) + offset}`);
}

/**
 * How a page query names its cursor and page size, when it pages `contacts` by UUID after the
 * cursor and keeps every row the audience matches (no other condition that could drop some).
 */
export type PageParams = { cursor: string; limit: string };

/**
 * The audience as one WHERE clause over `contacts`, for the coordinator's page query; its
 * parameters are numbered from `offset + 1`. Named contacts were stored in start_contacts.
 *
 * With `page`, each group's members are read only as far as one page can reach: from the
 * cursor, in contact UUID order along the primary key, at most a page of them. Unbounded,
 * SQLite reads and sorts the whole group for every page (47 ms a page at 100,000 members, and
 * quadratic over the start; bounded, about 1 ms). The first page-size rows of the union are
 * among the first page-size rows of each group, so the page is the same; a member always has a
 * contacts row (deleting a contact deletes its memberships first), so none goes missing.
 */
export async function audienceWhere(db: D1Database, startUuid: string, a: Audience, offset: number, page?: PageParams): Promise<Where> {
  if (a.everyone) return { where: "1", params: [] };
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const bind = (v: string | number) => {
    params.push(v);
    return `?${offset + params.length}`;
  };
  if (a.contacts?.length || a.urns?.length) parts.push(`contacts.uuid IN (SELECT contact_uuid FROM start_contacts WHERE start_uuid = ${bind(startUuid)})`);
  const groups = [...(await groupRows(db, a.groups ?? [])).values()];
  const plain = groups.filter((g) => !g.query);
  if (plain.length && page) {
    for (const g of plain) {
      parts.push(`contacts.uuid IN (SELECT contact_uuid FROM group_members WHERE group_uuid = ${bind(g.uuid)} AND contact_uuid > ${page.cursor} ORDER BY contact_uuid LIMIT ${page.limit})`);
    }
  } else if (plain.length) parts.push(`contacts.uuid IN (SELECT contact_uuid FROM group_members WHERE group_uuid IN (${plain.map((g) => bind(g.uuid)).join(", ")}))`);
  const queries = [...groups.filter((g) => g.query).map((g) => g.query!), ...(a.query ? [a.query] : [])];
  if (queries.length) {
    const env = await segmentEnv(db);
    for (const q of queries) {
      const compiled = compile(q, env);
      parts.push(`(${shift(compiled, offset + params.length)})`);
      params.push(...compiled.params);
    }
  }
  return { where: parts.length ? parts.join(" OR ") : "0", params };
}
