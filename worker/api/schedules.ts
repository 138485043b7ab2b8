import { and, desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { Database } from "../db";
import { flows, schedules } from "../db/schema";
import { describeSchedule, nextFire } from "../schedules/next-fire";
import { Schedule } from "../schedules/schema";
import { checkAudience } from "../starts/audience";
import { Audience, StartOptions } from "../starts/spec";
import { now, Uuid } from "./common";
import type { ApiEnv } from "./context";
import { invalid, invalidField, notFound, zodIssues } from "./errors";
import { describe, validate } from "./openapi";
import { afterCursor, page, PageQuery, toPage } from "./pagination";

const tag = "schedules";

export const ScheduleCreate = z.strictObject({
  flow: Uuid.describe("the flow must be published and active when the schedule fires"),
  audience: Audience,
  options: StartOptions.prefault({}),
  schedule: Schedule,
});
type ScheduleCreate = z.infer<typeof ScheduleCreate>;

export const ScheduleUpdate = z.strictObject({
  flow: Uuid.optional(),
  audience: z.unknown().optional(),
  options: z.unknown().optional(),
  schedule: z.unknown().optional(),
});

export const ScheduleOut = z.object({
  uuid: z.string(),
  flow: z.object({ uuid: z.string(), name: z.string() }),
  audience: z.record(z.string(), z.unknown()),
  options: z.record(z.string(), z.unknown()),
  schedule: z.record(z.string(), z.unknown()),
  description: z.string().describe('e.g. "every Monday and Thursday at 09:00 (Africa/Kigali)"'),
  paused: z.boolean(),
  next_fire_at: z.string().nullable().describe("null: it will not fire again"),
  last_fired_at: z.string().nullable(),
  created_on: z.string(),
  modified_on: z.string(),
});
type ScheduleOut = z.infer<typeof ScheduleOut>;

type Row = typeof schedules.$inferSelect;

async function output(db: Database, r: Row): Promise<ScheduleOut> {
  const flow = await db.select({ uuid: flows.uuid, name: flows.name }).from(flows).where(eq(flows.uuid, r.flowUuid)).get();
  const start = r.start as { audience: Record<string, unknown>; options: Record<string, unknown> };
  return {
    uuid: r.uuid,
    flow: flow ?? { uuid: r.flowUuid, name: "" },
    audience: start.audience,
    options: start.options,
    schedule: r.schedule,
    description: describeSchedule(r.schedule as Schedule),
    paused: r.paused,
    next_fire_at: r.nextFireAt,
    last_fired_at: r.lastFiredAt,
    created_on: r.createdOn,
    modified_on: r.modifiedOn,
  };
}

/** The first fire after now, or a 400 when there is none (a once in the past, an end date gone by). */
function firstFire(schedule: Schedule): string {
  const next = nextFire(schedule, new Date());
  if (!next) throw invalidField("schedule", "it would never fire: its time has passed");
  return next.toISOString();
}

async function check(env: Env, db: Database, s: ScheduleCreate): Promise<string> {
  if (!(await db.select({ uuid: flows.uuid }).from(flows).where(eq(flows.uuid, s.flow)).get())) throw invalidField("flow", `no flow ${s.flow}`);
  await checkAudience(env.DB, s.audience);
  return firstFire(s.schedule);
}

/** Creates a schedule (also what POST /starts does with a `when` schedule). */
export async function createSchedule(env: Env, db: Database, s: ScheduleCreate, origin: string): Promise<ScheduleOut> {
  const nextFireAt = await check(env, db, s);
  const at = now();
  const [row] = await db
    .insert(schedules)
    .values({ uuid: crypto.randomUUID(), schedule: s.schedule, flowUuid: s.flow, start: { audience: s.audience, options: s.options }, nextFireAt, origin, createdOn: at, modifiedOn: at })
    .returning();
  return output(db, row);
}

async function findSchedule(db: Database, uuid: string): Promise<Row> {
  const row = await db.select().from(schedules).where(eq(schedules.uuid, uuid)).get();
  if (!row) throw notFound("schedule", uuid);
  return row;
}

export const scheduleRoutes = new Hono<ApiEnv>()
  .post("/", describe({ tag, summary: "Create a schedule: a start made on each of its fires", status: 201, response: ScheduleOut }), validate("json", ScheduleCreate), async (c) => {
    return c.json(await createSchedule(c.env, c.get("db"), c.req.valid("json"), new URL(c.req.url).origin), 201);
  })
  .get("/", describe({ tag, summary: "List schedules, newest first", response: page(ScheduleOut) }), validate("query", PageQuery.extend({ flow: Uuid.optional() })), async (c) => {
    const q = c.req.valid("query");
    const db = c.get("db");
    const rows = await db
      .select()
      .from(schedules)
      .where(and(afterCursor(q.cursor, schedules.createdOn, schedules.uuid), q.flow ? eq(schedules.flowUuid, q.flow) : undefined))
      .orderBy(desc(schedules.createdOn), desc(schedules.uuid))
      .limit(q.limit + 1);
    const p = toPage(rows, q.limit, (r) => r);
    return c.json({ results: await Promise.all(p.results.map((r) => output(db, r))), next: p.next });
  })
  .get("/:uuid", describe({ tag, summary: "Get a schedule", response: ScheduleOut }), async (c) => {
    const db = c.get("db");
    return c.json(await output(db, await findSchedule(db, c.req.param("uuid"))));
  })
  .patch("/:uuid", describe({ tag, summary: "Update a schedule's flow, audience, options or timetable; its next fire is computed again", response: ScheduleOut }), validate("json", ScheduleUpdate), async (c) => {
    const db = c.get("db");
    const current = await findSchedule(db, c.req.param("uuid"));
    const start = current.start as { audience: unknown; options: unknown };
    const parsed = ScheduleCreate.safeParse({ flow: current.flowUuid, audience: start.audience, options: start.options, schedule: current.schedule, ...c.req.valid("json") });
    if (!parsed.success) throw invalid(zodIssues(parsed.error));
    const s = parsed.data;
    const nextFireAt = await check(c.env, db, s);
    const [row] = await db
      .update(schedules)
      .set({ schedule: s.schedule, flowUuid: s.flow, start: { audience: s.audience, options: s.options }, nextFireAt, modifiedOn: now() })
      .where(eq(schedules.uuid, current.uuid))
      .returning();
    return c.json(await output(db, row));
  })
  .post("/:uuid/pause", describe({ tag, summary: "Pause a schedule: it does not fire until resumed", response: ScheduleOut }), async (c) => {
    const db = c.get("db");
    const { uuid } = await findSchedule(db, c.req.param("uuid"));
    const [row] = await db.update(schedules).set({ paused: true, modifiedOn: now() }).where(eq(schedules.uuid, uuid)).returning();
    return c.json(await output(db, row));
  })
  .post("/:uuid/resume", describe({ tag, summary: "Resume a schedule from now: fires missed while paused are not made up", response: ScheduleOut }), async (c) => {
    const db = c.get("db");
    const current = await findSchedule(db, c.req.param("uuid"));
    const next = nextFire(current.schedule as Schedule, new Date());
    const [row] = await db
      .update(schedules)
      .set({ paused: false, nextFireAt: next ? next.toISOString() : null, modifiedOn: now() })
      .where(eq(schedules.uuid, current.uuid))
      .returning();
    return c.json(await output(db, row));
  })
  .delete("/:uuid", describe({ tag, summary: "Delete a schedule (starts it made keep running)", status: 204, response: null }), async (c) => {
    const db = c.get("db");
    const { uuid } = await findSchedule(db, c.req.param("uuid"));
    await db.delete(schedules).where(eq(schedules.uuid, uuid));
    return c.body(null, 204);
  });
