import { and, asc, eq, isNull, ne, or, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { Database } from "../db";
import { channels, fields, flows, groups, triggers } from "../db/schema";
import { EventCondition } from "../../durable/engine/flow/schema";
import { DateRelativeParams } from "../triggers/date-relative";
import { planTrigger } from "../triggers/plan-fanout";
import { groupsOverlap } from "../triggers/keyword-claims";
import { now, Uuid } from "./common";
import type { ApiEnv } from "./context";
import { ApiError, conflict, invalid, notFound, zodIssues, type Issue } from "./errors";
import { describe, validate } from "./openapi";

const tag = "triggers";

const Keyword = z
  .string()
  .trim()
  .min(1)
  .max(32)
  .regex(/^[^\s]+$/u, "must be one word")
  .transform((k) => k.toLowerCase());

const base = { flow: Uuid, channel: Uuid.nullable().optional().describe("null or absent: every channel") };

/** RapidPro's groups and exclude_groups on a message trigger: only contacts in one of `groups`, and in none of `exclude_groups`. */
const GroupParams = z
  .strictObject({ groups: z.array(Uuid).max(20).optional(), exclude_groups: z.array(Uuid).max(20).optional() })
  .optional()
  .describe("only contacts in one of `groups` (when given) and in none of `exclude_groups`: manual groups");

export const TriggerCreate = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("keyword"),
    ...base,
    keywords: z.array(Keyword).min(1, "a keyword trigger needs at least one keyword").max(20),
    match_type: z.enum(["first_word", "only_word"]).describe("first_word: the message starts with the keyword; only_word: it is the whole message"),
    params: GroupParams,
  }),
  z.strictObject({ type: z.literal("catch_all"), ...base, params: GroupParams }),
  z.strictObject({ type: z.literal("new_conversation"), ...base, params: GroupParams }),
  z.strictObject({
    type: z.literal("event"),
    ...base,
    event: z.string().trim().min(1).max(64),
    params: z
      .strictObject({ conditions: z.array(EventCondition).max(20) })
      .optional()
      .describe("conditions on the event's properties, all of which must hold: the wait for an event's operators (docs/journeys.md)"),
  }),
  z.strictObject({ type: z.literal("joined_group"), ...base, group: Uuid }),
  z.strictObject({ type: z.literal("schedule"), ...base, params: z.record(z.string(), z.unknown()) }),
  z.strictObject({ type: z.literal("date_relative"), ...base, params: DateRelativeParams }),
]);
type TriggerCreate = z.infer<typeof TriggerCreate>;

/** Any of the create fields but the type; the result is checked as a whole, like a create. */
export const TriggerUpdate = z.strictObject({
  flow: Uuid.optional(),
  channel: Uuid.nullable().optional(),
  keywords: z.array(z.string()).optional(),
  match_type: z.enum(["first_word", "only_word"]).optional(),
  event: z.string().optional(),
  group: Uuid.optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

export const TriggerType = z.enum(["keyword", "catch_all", "new_conversation", "event", "schedule", "date_relative", "joined_group"]);

export const TriggerOut = z.object({
  uuid: z.string(),
  type: TriggerType,
  flow: z.object({ uuid: z.string(), name: z.string() }),
  channel: z.string().nullable(),
  keywords: z.array(z.string()).nullable(),
  match_type: z.enum(["first_word", "only_word"]).nullable(),
  event: z.string().nullable(),
  group: z.string().nullable(),
  params: z.record(z.string(), z.unknown()).nullable(),
  created_on: z.string(),
  modified_on: z.string(),
});

type Row = typeof triggers.$inferSelect;

/** The params column: each type's own, or null when it has nothing to say. */
function storedParams(t: TriggerCreate): Record<string, unknown> | null {
  if (t.type === "schedule" || t.type === "date_relative") return t.params;
  if (t.type === "event") return t.params?.conditions.length ? t.params : null;
  if (t.type === "joined_group") return null;
  return t.params?.groups?.length || t.params?.exclude_groups?.length ? t.params : null;
}

const columns = (t: TriggerCreate) => ({
  type: t.type,
  flowUuid: t.flow,
  channelUuid: t.channel ?? null,
  keywords: t.type === "keyword" ? t.keywords : null,
  matchType: t.type === "keyword" ? t.match_type : null,
  event: t.type === "event" ? t.event : null,
  groupUuid: t.type === "joined_group" ? t.group : null,
  params: storedParams(t),
});

/** The stored trigger as a create body: only the keys its type has, since those bodies are strict. */
function asBody(r: Row): Record<string, unknown> {
  const body = { type: r.type, flow: r.flowUuid, channel: r.channelUuid, keywords: r.keywords, match_type: r.matchType, event: r.event, group: r.groupUuid, params: r.params };
  return Object.fromEntries(Object.entries(body).filter(([k, v]) => v !== null || k === "channel"));
}

async function output(db: Database, r: Row): Promise<z.infer<typeof TriggerOut>> {
  const flow = await db.select({ uuid: flows.uuid, name: flows.name }).from(flows).where(eq(flows.uuid, r.flowUuid)).get();
  return {
    uuid: r.uuid,
    type: r.type,
    flow: flow ?? { uuid: r.flowUuid, name: "" },
    channel: r.channelUuid,
    keywords: r.keywords,
    match_type: r.matchType,
    event: r.event,
    group: r.groupUuid,
    params: r.params,
    created_on: r.createdOn,
    modified_on: r.modifiedOn,
  };
}

/** The flow, channel and group must exist; a keyword or catch-all may not be claimed twice on a channel. */
async function check(db: Database, t: TriggerCreate, except = "") {
  // A flow started on a schedule is a schedule, made and managed where the cron finds it.
  if (t.type === "schedule")
    throw new ApiError(422, "use_schedules", "a flow is started on a schedule through POST /api/v1/schedules (or POST /api/v1/starts with a schedule), not a trigger", [
      { path: "type", message: "create a schedule with POST /api/v1/schedules instead" },
    ]);
  const issues: Issue[] = [];
  if (!(await db.select({ uuid: flows.uuid }).from(flows).where(eq(flows.uuid, t.flow)).get())) issues.push({ path: "flow", message: `no flow ${t.flow}` });
  if (t.channel && !(await db.select({ uuid: channels.uuid }).from(channels).where(eq(channels.uuid, t.channel)).get()))
    issues.push({ path: "channel", message: `no channel ${t.channel}` });
  if (t.type === "joined_group") {
    const group = await db.select({ uuid: groups.uuid, query: groups.query }).from(groups).where(eq(groups.uuid, t.group)).get();
    if (!group) issues.push({ path: "group", message: `no group ${t.group}` });
    // A smart group is joined too: by a contact who comes to match its query (docs/triggers.md).
  }
  if ((t.type === "keyword" || t.type === "catch_all" || t.type === "new_conversation") && t.params) {
    for (const key of ["groups", "exclude_groups"] as const) {
      for (const [i, uuid] of (t.params[key] ?? []).entries()) {
        const group = await db.select({ query: groups.query }).from(groups).where(eq(groups.uuid, uuid)).get();
        if (!group) issues.push({ path: `params.${key}.${i}`, message: `no group ${uuid}` });
        else if (group.query) issues.push({ path: `params.${key}.${i}`, message: "a smart group (it has a query): a trigger's groups are manual groups" });
      }
    }
  }
  if (t.type === "date_relative") {
    const field = await db.select({ type: fields.type }).from(fields).where(eq(fields.key, t.params.field)).get();
    if (!field) issues.push({ path: "params.field", message: `no field ${t.params.field}` });
    else if (field.type !== "datetime") issues.push({ path: "params.field", message: `field ${t.params.field} is a ${field.type} field, not a datetime one` });
    const group = t.params.group ? await db.select({ query: groups.query }).from(groups).where(eq(groups.uuid, t.params.group)).get() : null;
    if (t.params.group && !group) issues.push({ path: "params.group", message: `no group ${t.params.group}` });
    else if (group?.query) issues.push({ path: "params.group", message: "a smart group (it has a query): a trigger's group is a manual group" });
  }
  if (issues.length) throw invalid(issues);

  if (t.type !== "keyword" && t.type !== "catch_all" && t.type !== "new_conversation") return;
  // A trigger for every channel overlaps with one for a single channel, and the other way round.
  const channelOverlap: SQL | undefined = t.channel ? or(isNull(triggers.channelUuid), eq(triggers.channelUuid, t.channel)) : undefined;
  const others = await db.select().from(triggers).where(and(eq(triggers.type, t.type), ne(triggers.uuid, except), channelOverlap));
  if (t.type === "keyword") {
    const taken = t.keywords.flatMap((k, i) => {
      const other = others.find((o) => o.keywords?.includes(k) && groupsOverlap(o.params as { groups?: string[] } | null, t.params));
      return other ? [{ path: `keywords.${i}`, message: `"${k}" already starts a flow through trigger ${other.uuid}` }] : [];
    });
    if (taken.length) throw conflict("a keyword is taken on this channel", taken);
  } else {
    const other = others.find((o) => groupsOverlap(o.params as { groups?: string[] } | null, t.params));
    if (other) throw conflict(`there is already a ${t.type} trigger for this channel (and groups): ${other.uuid}`, [{ path: "channel", message: "has one already" }]);
  }
}

/**
 * A date-relative trigger made or edited: the contacts that have its field plan their timers (the
 * first page now, the rest through the queue). A deleted one needs nothing: its timers fire nothing.
 */
async function planContacts(env: Env, r: Row): Promise<void> {
  if (r.type !== "date_relative" || !r.params) return;
  await planTrigger(env, { uuid: r.uuid, stamp: r.modifiedOn, field: (r.params as DateRelativeParams).field });
}

async function findTrigger(db: Database, uuid: string): Promise<Row> {
  const row = await db.select().from(triggers).where(eq(triggers.uuid, uuid)).get();
  if (!row) throw notFound("trigger", uuid);
  return row;
}

export const triggerRoutes = new Hono<ApiEnv>()
  .post("/", describe({ tag, summary: "Create a trigger", status: 201, response: TriggerOut }), validate("json", TriggerCreate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    await check(db, body);
    const at = now();
    const [row] = await db.insert(triggers).values({ uuid: crypto.randomUUID(), ...columns(body), createdOn: at, modifiedOn: at }).returning();
    await planContacts(c.env, row);
    return c.json(await output(db, row), 201);
  })
  .get("/", describe({ tag, summary: "List triggers", response: z.object({ results: z.array(TriggerOut) }) }), validate("query", z.object({ flow: Uuid.optional(), type: TriggerType.optional() })), async (c) => {
    const q = c.req.valid("query");
    const db = c.get("db");
    const rows = await db
      .select()
      .from(triggers)
      .where(and(q.flow ? eq(triggers.flowUuid, q.flow) : undefined, q.type ? eq(triggers.type, q.type) : undefined))
      .orderBy(asc(triggers.type), asc(triggers.createdOn));
    return c.json({ results: await Promise.all(rows.map((r) => output(db, r))) });
  })
  .get("/:uuid", describe({ tag, summary: "Get a trigger", response: TriggerOut }), async (c) => {
    const db = c.get("db");
    return c.json(await output(db, await findTrigger(db, c.req.param("uuid"))));
  })
  .patch("/:uuid", describe({ tag, summary: "Update a trigger (its type stays)", response: TriggerOut }), validate("json", TriggerUpdate), async (c) => {
    const db = c.get("db");
    const trigger = await findTrigger(db, c.req.param("uuid"));
    const parsed = TriggerCreate.safeParse({ ...asBody(trigger), ...c.req.valid("json") });
    if (!parsed.success) throw invalid(zodIssues(parsed.error));
    await check(db, parsed.data, trigger.uuid);
    const [row] = await db
      .update(triggers)
      .set({ ...columns(parsed.data), modifiedOn: now() })
      .where(eq(triggers.uuid, trigger.uuid))
      .returning();
    await planContacts(c.env, row);
    return c.json(await output(db, row));
  })
  .delete("/:uuid", describe({ tag, summary: "Delete a trigger", status: 204, response: null }), async (c) => {
    const db = c.get("db");
    const { uuid } = await findTrigger(db, c.req.param("uuid"));
    await db.delete(triggers).where(eq(triggers.uuid, uuid));
    return c.body(null, 204);
  });
