import { asc, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { contacts, fields } from "../db/schema";
import { Name } from "./common";
import type { ApiEnv } from "./context";
import { conflict, notFound } from "./errors";
import { describe, validate } from "./openapi";
import { URN_SCHEMES } from "./urns";

const tag = "fields";

export const FieldType = z.enum(["text", "number", "datetime", "state", "district", "ward"]);
export const FieldKey = z.string().regex(/^[a-z][a-z0-9_]{0,35}$/, "must be snake_case: a lowercase letter, then letters, digits or _, at most 36");

/**
 * Keys goflow, RapidPro and Eddy's contact queries already use for the contact itself, and the URN
 * schemes: a field called `name` could never be told from the contact's name in a query.
 */
export const RESERVED_FIELD_KEYS: ReadonlySet<string> = new Set([
  "id", "uuid", "name", "first_name", "language", "timezone", "status", "created_on", "modified_on", "last_seen_on", "created_by", "modified_by",
  "org", "is", "has", "urn", "urns", "group", "groups", "field", "fields", "flow", "history", "tickets", "channel", "contact",
  ...URN_SCHEMES,
]);

const NewFieldKey = FieldKey.refine((k) => !RESERVED_FIELD_KEYS.has(k), "is reserved for the contact's own attributes and URN schemes; choose another key");

export const FieldCreate = z.strictObject({ key: NewFieldKey, name: Name(64), type: FieldType });
export const FieldUpdate = z.strictObject({ name: Name(64).optional(), type: FieldType.optional() });
export const FieldOut = z.object({ key: z.string(), name: z.string(), type: FieldType, created_on: z.string() });

type Row = typeof fields.$inferSelect;
const out = (r: Row): z.infer<typeof FieldOut> => ({ key: r.key, name: r.name, type: r.type, created_on: r.createdOn });

export const fieldRoutes = new Hono<ApiEnv>()
  .post("/", describe({ tag, summary: "Create a contact field", status: 201, response: FieldOut }), validate("json", FieldCreate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    if (await db.select({ key: fields.key }).from(fields).where(eq(fields.key, body.key)).get())
      throw conflict(`field ${body.key} already exists`, [{ path: "key", message: "is taken" }]);
    const [row] = await db.insert(fields).values(body).returning();
    return c.json(out(row), 201);
  })
  .get("/", describe({ tag, summary: "List contact fields by key", response: z.object({ results: z.array(FieldOut) }) }), async (c) => {
    const rows = await c.get("db").select().from(fields).orderBy(asc(fields.key));
    return c.json({ results: rows.map(out) });
  })
  .get("/:key", describe({ tag, summary: "Get a contact field", response: FieldOut }), async (c) => {
    const row = await c.get("db").select().from(fields).where(eq(fields.key, c.req.param("key"))).get();
    if (!row) throw notFound("field", c.req.param("key"));
    return c.json(out(row));
  })
  .patch("/:key", describe({ tag, summary: "Rename a field or change its type (the key never changes)", response: FieldOut }), validate("json", FieldUpdate), async (c) => {
    const [row] = await c.get("db").update(fields).set(c.req.valid("json")).where(eq(fields.key, c.req.param("key"))).returning();
    if (!row) throw notFound("field", c.req.param("key"));
    return c.json(out(row));
  })
  .delete("/:key", describe({ tag, summary: "Delete a field and every contact's value for it", status: 204, response: null }), async (c) => {
    const db = c.get("db");
    const key = c.req.param("key");
    if (!(await db.select({ key: fields.key }).from(fields).where(eq(fields.key, key)).get())) throw notFound("field", key);
    await db.batch([
      db.update(contacts).set({ fields: sql`json_remove(${contacts.fields}, ${"$." + key})` }).where(sql`json_type(${contacts.fields}, ${"$." + key}) IS NOT NULL`),
      db.delete(fields).where(eq(fields.key, key)),
    ]);
    return c.body(null, 204);
  });
