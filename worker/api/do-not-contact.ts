import { and, desc, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { addressOf, type AddressKind } from "../../durable/engine/actions/update-do-not-contact";
import { doNotContact } from "../db/schema";
import type { ApiEnv } from "./context";
import { invalid, invalidField, notFound, type Issue } from "./errors";
import { describe, validate } from "./openapi";
import { afterCursor, page, PageQuery, toPage } from "./pagination";
import { normalizeUrn, urnString } from "./urns";

/**
 * The workspace's do-not-contact list (docs/do-not-contact.md). A change is written to D1, then
 * each contact that has a changed address is told (its object keeps its own listed addresses, so
 * that a send costs no D1 read). A body lists at most MAX_ADDRESSES, so one request calls at most
 * three objects per address (the owners of tel:, whatsapp: and mailto:).
 */

const tag = "do-not-contact";
export const MAX_ADDRESSES = 100;

const DncOut = z.object({
  address: z.string().describe("a phone number in E.164, or an email address lowercased"),
  kind: z.enum(["phone", "email"]),
  source: z.enum(["api", "flow"]).describe("flow: listed by an update_do_not_contact action"),
  created_on: z.string(),
});

const DncAdd = z.strictObject({
  addresses: z
    .array(z.string().min(1).max(320))
    .min(1)
    .max(MAX_ADDRESSES)
    .describe('phone numbers with their country code ("+250788123123", "tel:+250788123123", "whatsapp:250788123123") or email addresses ("ana@example.org", "mailto:ana@example.org")'),
});

type Row = typeof doNotContact.$inferSelect;
const out = (r: Row): z.infer<typeof DncOut> => ({ address: r.address, kind: r.kind, source: r.source, created_on: r.createdOn });

/** The listed form of what a caller wrote, or why it is not a phone number or email address. */
export function parseAddress(raw: string): { kind: AddressKind; address: string } | { error: string } {
  const text = raw.trim();
  const scheme = /^(tel|whatsapp|mailto):/i.exec(text)?.[1]?.toLowerCase();
  const urn = scheme ? text : text.includes("@") ? `mailto:${text}` : `tel:${text}`;
  const n = normalizeUrn(urn);
  if (!n.ok) return { error: n.message };
  return addressOf(urnString(n.urn)) ?? { error: `"${raw}" is not a phone number or an email address` };
}

/** The URNs (scheme, path) that send to a listed address: a phone number is SMS and WhatsApp. */
const urnsOf = (address: string): [string, string][] =>
  address.includes("@") ? [["mailto", address]] : [["tel", address], ["whatsapp", address.slice(1)]];

/** Tells each contact owning one of these addresses; a contact not told reads the list again with its profile (within a minute). */
async function notifyOwners(env: Env, db: D1Database, addresses: string[], listed: boolean): Promise<void> {
  const pairs = addresses.flatMap(urnsOf);
  const rows = await db
    .prepare(
      `SELECT u.contact_uuid AS contact, u.scheme AS scheme, u.path AS path FROM json_each(?) j
       JOIN contact_urns u ON u.scheme = json_extract(j.value, '$[0]') AND u.path = json_extract(j.value, '$[1]')`,
    )
    .bind(JSON.stringify(pairs))
    .all<{ contact: string; scheme: string; path: string }>();
  const byOwner = new Map<string, Set<string>>();
  for (const r of rows.results) {
    const a = addressOf(`${r.scheme}:${r.path}`)!.address;
    byOwner.set(r.contact, (byOwner.get(r.contact) ?? new Set()).add(a));
  }
  await Promise.all(
    [...byOwner].map(([contact, mine]) =>
      env.CONTACTS.getByName(contact)
        .doNotContactChanged([...mine], listed)
        .catch((e) => console.error("do-not-contact: contact", contact, "not told:", e instanceof Error ? e.message : String(e))),
    ),
  );
}

export const doNotContactRoutes = new Hono<ApiEnv>()
  .get(
    "/",
    describe({ tag, summary: "The do-not-contact list, newest first", response: page(DncOut) }),
    validate("query", PageQuery.extend({ kind: z.enum(["phone", "email"]).optional() })),
    async (c) => {
      const q = c.req.valid("query");
      const rows = await c
        .get("db")
        .select()
        .from(doNotContact)
        .where(and(q.kind ? eq(doNotContact.kind, q.kind) : undefined, afterCursor(q.cursor, doNotContact.createdOn, doNotContact.address)))
        .orderBy(desc(doNotContact.createdOn), desc(doNotContact.address))
        .limit(q.limit + 1);
      return c.json(toPage(rows.map((r) => ({ ...r, uuid: r.address })), q.limit, out));
    },
  )
  .get("/:address", describe({ tag, summary: "Whether an address is on the list (404 when it is not)", response: DncOut }), async (c) => {
    const parsed = parseAddress(c.req.param("address"));
    if ("error" in parsed) throw invalidField("address", parsed.error);
    const row = await c.get("db").select().from(doNotContact).where(eq(doNotContact.address, parsed.address)).get();
    if (!row) throw notFound("do-not-contact address", parsed.address);
    return c.json(out(row));
  })
  .post(
    "/",
    describe({ tag, summary: `Add phone numbers and email addresses (up to ${MAX_ADDRESSES}); every send to them is skipped from now on`, response: z.object({ results: z.array(DncOut) }) }),
    validate("json", DncAdd),
    async (c) => {
      const body = c.req.valid("json");
      const issues: Issue[] = [];
      const parsed = new Map<string, AddressKind>();
      body.addresses.forEach((raw, i) => {
        const p = parseAddress(raw);
        if ("error" in p) issues.push({ path: `addresses.${i}`, message: p.error });
        else parsed.set(p.address, p.kind);
      });
      if (issues.length) throw invalid(issues);
      const db = c.get("db");
      const addresses = [...parsed.keys()];
      // One JSON parameter: D1 binds at most 100 per statement.
      await c.env.DB.prepare(
        `INSERT INTO do_not_contact (address, kind, source) SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), 'api' FROM json_each(?) WHERE true
         ON CONFLICT (address) DO NOTHING`,
      )
        .bind(JSON.stringify([...parsed]))
        .run();
      await notifyOwners(c.env, c.env.DB, addresses, true);
      const rows = await db
        .select()
        .from(doNotContact)
        .where(sql`${doNotContact.address} IN (SELECT value FROM json_each(${JSON.stringify(addresses)}))`);
      return c.json({ results: rows.map(out) });
    },
  )
  .delete("/:address", describe({ tag, summary: "Take an address off the list: sends to it go again", status: 204, response: null }), async (c) => {
    const parsed = parseAddress(c.req.param("address"));
    if ("error" in parsed) throw invalidField("address", parsed.error);
    const gone = await c.get("db").delete(doNotContact).where(eq(doNotContact.address, parsed.address)).returning();
    if (!gone.length) throw notFound("do-not-contact address", parsed.address);
    await notifyOwners(c.env, c.env.DB, [parsed.address], false);
    return c.body(null, 204);
  });
