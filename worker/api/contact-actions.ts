import { Hono } from "hono";
import { z } from "zod";
import { Name, Uuid } from "./common";
import type { ApiEnv } from "./context";
import { ApiError, invalid, notFound, type Issue } from "./errors";
import { describe, validate } from "./openapi";
import { normalizeUrn } from "./urns";

/**
 * What the API asks of a contact's Durable Object: events into its log, a message sent, a flow
 * started. Each request is validated whole, and contacts resolved, before any object is called.
 */
export const contactActions = new Hono<ApiEnv>();

const Who = {
  contact: Uuid.optional().describe("the contact's UUID; or give urn"),
  urn: z.string().optional().describe('a URN of the contact, e.g. "tel:+250788123123"'),
};

const Event = z.strictObject({
  ...Who,
  name: Name(64),
  properties: z.record(z.string(), z.unknown()).default({}),
  time: z.iso.datetime({ offset: true }).optional().describe("when it happened; default now"),
});
const Events = z.union([Event, z.array(Event).min(1).max(100)]);

const Send = z
  .strictObject({
    ...Who,
    text: z.string().max(10_000).default(""),
    attachments: z.array(z.string().min(1)).max(10).default([]),
    quick_replies: z.array(z.string().min(1).max(64)).max(10).default([]),
  })
  .refine((b) => b.text.trim() !== "" || b.attachments.length > 0, { path: ["text"], message: "a message needs text or an attachment" });

const Start = z.strictObject({
  contacts: z.array(Uuid).min(1).max(100),
  interrupt: z.boolean().default(true).describe("false: contacts already in a messaging flow are skipped"),
  params: z.record(z.string(), z.unknown()).optional().describe("@trigger.params"),
});

const StartOut = z.object({
  started: z.number(),
  skipped: z.number(),
  failed: z.number(),
  results: z.array(z.object({ contact: z.string(), status: z.enum(["started", "skipped", "failed"]), reason: z.string().optional(), session: z.string().optional() })),
});

const StoredEvent = z.object({ id: z.number(), name: z.string(), properties: z.record(z.string(), z.unknown()), time: z.string(), received_on: z.string() });

/** The contact a body names (by UUID or URN), or the issue that says why not. */
async function resolve(db: D1Database, who: { contact?: string; urn?: string }, at: string): Promise<string | Issue> {
  const path = (k: string) => (at ? `${at}.${k}` : k);
  if ((who.contact === undefined) === (who.urn === undefined)) return { path: path("contact"), message: "give contact or urn, one of them" };
  if (who.contact) {
    const found = await db.prepare("SELECT uuid FROM contacts WHERE uuid = ?").bind(who.contact).first<{ uuid: string }>();
    return found ? found.uuid : { path: path("contact"), message: `no contact ${who.contact}` };
  }
  const n = normalizeUrn(who.urn!);
  if (!n.ok) return { path: path("urn"), message: n.message };
  const owner = await db.prepare("SELECT contact_uuid FROM contact_urns WHERE scheme = ? AND path = ?").bind(n.urn.scheme, n.urn.path).first<{ contact_uuid: string }>();
  return owner ? owner.contact_uuid : { path: path("urn"), message: `no contact has ${n.urn.scheme}:${n.urn.path}` };
}

const originOf = (url: string) => new URL(url).origin;

contactActions.post(
  "/events",
  describe({ tag: "events", summary: "Record events (one, or a batch of up to 100) in their contacts' event logs", status: 202, response: z.object({ accepted: z.number() }) }),
  validate("json", Events),
  async (c) => {
    const body = c.req.valid("json");
    const list = Array.isArray(body) ? body : [body];
    const issues: Issue[] = [];
    const byContact = new Map<string, { name: string; properties: Record<string, unknown>; time: string }[]>();
    const now = new Date().toISOString();
    for (const [i, e] of list.entries()) {
      const who = await resolve(c.env.DB, e, Array.isArray(body) ? String(i) : "");
      if (typeof who !== "string") issues.push(who);
      else byContact.set(who, [...(byContact.get(who) ?? []), { name: e.name, properties: e.properties, time: e.time ? new Date(e.time).toISOString() : now }]);
    }
    if (issues.length) throw invalid(issues);
    const origin = originOf(c.req.url);
    await Promise.all([...byContact].map(([contact, events]) => c.env.CONTACTS.getByName(contact).recordEvents(contact, events, origin)));
    return c.json({ accepted: list.length }, 202);
  },
);

contactActions.get(
  "/contacts/:uuid/events",
  describe({ tag: "events", summary: "A contact's recent events, newest first", response: z.object({ results: z.array(StoredEvent) }) }),
  validate("query", z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) })),
  async (c) => {
    const uuid = c.req.param("uuid");
    const who = await resolve(c.env.DB, { contact: uuid }, "");
    if (typeof who !== "string") throw notFound("contact", uuid);
    return c.json({ results: await c.env.CONTACTS.getByName(who).events(c.req.valid("query").limit) });
  },
);

contactActions.post(
  "/messages/send",
  describe({
    tag: "messages",
    summary: "Send a message to a contact, outside any flow (status skipped, with a reason, when its address is on the do-not-contact list)",
    status: 201,
    response: z.object({ uuid: z.string(), contact: z.string(), status: z.string(), reason: z.string().optional() }),
  }),
  validate("json", Send),
  async (c) => {
    const body = c.req.valid("json");
    const who = await resolve(c.env.DB, body, "");
    if (typeof who !== "string") throw invalid([who]);
    const sent = await c.env.CONTACTS.getByName(who).sendMessage(who, originOf(c.req.url), { text: body.text, attachments: body.attachments, quickReplies: body.quick_replies });
    if ("error" in sent) throw new ApiError(422, "unsendable", sent.error);
    const row = await c.env.DB.prepare("SELECT status FROM messages WHERE uuid = ?").bind(sent.uuid).first<{ status: string }>();
    return c.json({ uuid: sent.uuid, contact: who, status: row?.status ?? "queued", ...(sent.skipped ? { reason: sent.skipped } : {}) }, 201);
  },
);

contactActions.post(
  "/flows/:uuid/start",
  describe({ tag: "flows", summary: "Start a published flow for listed contacts (interrupting, or skipping, those in a messaging flow)", response: StartOut }),
  validate("json", Start),
  async (c) => {
    const body = c.req.valid("json");
    const uuid = c.req.param("uuid");
    const flow = await c.env.DB.prepare("SELECT status, published_version FROM flows WHERE uuid = ?").bind(uuid).first<{ status: string; published_version: number | null }>();
    if (!flow) throw notFound("flow", uuid);
    if (flow.published_version === null || flow.status !== "active") throw new ApiError(422, "flow_not_startable", `flow ${uuid} is ${flow.published_version === null ? "not published" : flow.status}`);

    const contacts = [...new Set(body.contacts)];
    const known = await c.env.DB.prepare("SELECT uuid FROM contacts WHERE uuid IN (SELECT value FROM json_each(?))").bind(JSON.stringify(contacts)).all<{ uuid: string }>();
    const exists = new Set(known.results.map((r) => r.uuid));
    const origin = originOf(c.req.url);
    const results = await Promise.all(
      contacts.map(async (contact) => {
        if (!exists.has(contact)) return { contact, status: "failed" as const, reason: "no such contact" };
        const r = await c.env.CONTACTS.getByName(contact).startFlow(contact, origin, { flowUuid: uuid, interrupt: body.interrupt, batch: contacts.length > 1, ...(body.params ? { params: body.params } : {}) });
        return { contact, ...r };
      }),
    );
    const count = (s: string) => results.filter((r) => r.status === s).length;
    return c.json({ started: count("started"), skipped: count("skipped"), failed: count("failed"), results });
  },
);
