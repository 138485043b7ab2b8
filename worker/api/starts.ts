import { and, desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { Database } from "../db";
import { flows, starts } from "../db/schema";
import { Schedule } from "../schedules/schema";
import { checkAudience } from "../starts/audience";
import { begin, startStatements } from "../starts/create";
import { Audience, StartOptions } from "../starts/spec";
import { now, Uuid } from "./common";
import type { ApiEnv } from "./context";
import { conflict, invalidField, notFound } from "./errors";
import { describe, validate } from "./openapi";
import { afterCursor, page, PageQuery, toPage } from "./pagination";
import { createSchedule, ScheduleOut } from "./schedules";

const tag = "starts";

const StartStatus = z.enum(["pending", "running", "completed", "cancelled", "failed"]);

export const StartCreate = z.strictObject({
  flow: Uuid,
  audience: Audience,
  options: StartOptions.prefault({}),
  when: z.union([z.literal("now"), Schedule]).default("now").describe('"now", or a schedule: the start is then made on each of its fires (the response is the schedule)'),
});

export const StartOut = z.object({
  uuid: z.string(),
  flow: z.object({ uuid: z.string(), name: z.string() }),
  audience: z.record(z.string(), z.unknown()),
  options: z.record(z.string(), z.unknown()),
  status: StartStatus,
  schedule: z.string().nullable().describe("the schedule that fired it"),
  progress: z.object({
    targeted: z.number().describe("contacts of the audience reached so far; all of them once completed"),
    started: z.number(),
    skipped: z.object({
      total: z.number(),
      in_flow: z.number().describe("already in a messaging flow, and the start does not interrupt"),
      started_recently: z.number().describe("entered this flow within exclude_started_within_days"),
      inactive: z.number().describe("stopped, blocked or archived"),
      other: z.number(),
    }),
    failed: z.number(),
  }),
  error: z.string().nullable().describe("why the whole start failed"),
  created_on: z.string(),
  modified_on: z.string(),
  finished_on: z.string().nullable(),
});

type Row = typeof starts.$inferSelect;

async function output(db: Database, r: Row): Promise<z.infer<typeof StartOut>> {
  const flow = await db.select({ uuid: flows.uuid, name: flows.name }).from(flows).where(eq(flows.uuid, r.flowUuid)).get();
  const skipped = { in_flow: r.skippedInFlow, started_recently: r.skippedRecent, inactive: r.skippedInactive, other: r.skippedOther };
  return {
    uuid: r.uuid,
    flow: flow ?? { uuid: r.flowUuid, name: "" },
    audience: r.audience,
    options: r.options,
    status: r.status,
    schedule: r.scheduleUuid,
    progress: { targeted: r.targeted, started: r.started, skipped: { total: Object.values(skipped).reduce((a, b) => a + b, 0), ...skipped }, failed: r.failed },
    error: r.error,
    created_on: r.createdOn,
    modified_on: r.modifiedOn,
    finished_on: r.finishedOn,
  };
}

async function findStart(db: Database, uuid: string): Promise<Row> {
  const row = await db.select().from(starts).where(eq(starts.uuid, uuid)).get();
  if (!row) throw notFound("start", uuid);
  return row;
}

export const startRoutes = new Hono<ApiEnv>()
  .post(
    "/",
    describe({ tag, summary: "Start a flow for an audience now (202: it fans out in the background), or on a schedule (201: the schedule)", status: 202, response: z.union([StartOut, ScheduleOut]) }),
    validate("json", StartCreate),
    async (c) => {
      const body = c.req.valid("json");
      const db = c.get("db");
      const origin = new URL(c.req.url).origin;
      if (body.when !== "now") return c.json(await createSchedule(c.env, db, { flow: body.flow, audience: body.audience, options: body.options, schedule: body.when }, origin), 201);

      const flow = await db.select().from(flows).where(eq(flows.uuid, body.flow)).get();
      if (!flow) throw invalidField("flow", `no flow ${body.flow}`);
      if (flow.publishedVersion === null) throw conflict(`flow ${flow.uuid} has never been published; publish it first`, [{ path: "flow", message: "is not published" }]);
      if (flow.status !== "active") throw conflict(`flow ${flow.uuid} is ${flow.status}`, [{ path: "flow", message: `is ${flow.status}` }]);
      await checkAudience(c.env.DB, body.audience);

      const uuid = crypto.randomUUID();
      await c.env.DB.batch(await startStatements(c.env.DB, { uuid, flowUuid: flow.uuid, audience: body.audience, options: body.options, origin }, now()));
      await begin(c.env, uuid);
      return c.json(await output(db, await findStart(db, uuid)), 202);
    },
  )
  .get(
    "/",
    describe({ tag, summary: "List starts, newest first", response: page(StartOut) }),
    validate("query", PageQuery.extend({ flow: Uuid.optional(), status: StartStatus.optional(), schedule: Uuid.optional() })),
    async (c) => {
      const q = c.req.valid("query");
      const db = c.get("db");
      const rows = await db
        .select()
        .from(starts)
        .where(
          and(
            afterCursor(q.cursor, starts.createdOn, starts.uuid),
            q.flow ? eq(starts.flowUuid, q.flow) : undefined,
            q.status ? eq(starts.status, q.status) : undefined,
            q.schedule ? eq(starts.scheduleUuid, q.schedule) : undefined,
          ),
        )
        .orderBy(desc(starts.createdOn), desc(starts.uuid))
        .limit(q.limit + 1);
      const p = toPage(rows, q.limit, (r) => r);
      return c.json({ results: await Promise.all(p.results.map((r) => output(db, r))), next: p.next });
    },
  )
  .get("/:uuid", describe({ tag, summary: "Get a start and its progress", response: StartOut }), async (c) => {
    const db = c.get("db");
    return c.json(await output(db, await findStart(db, c.req.param("uuid"))));
  })
  .post("/:uuid/cancel", describe({ tag, summary: "Cancel a start: no more contacts are started (those already started stay)", response: StartOut }), async (c) => {
    const db = c.get("db");
    const start = await findStart(db, c.req.param("uuid"));
    if (start.status === "completed" || start.status === "failed" || start.status === "cancelled") throw conflict(`start ${start.uuid} is ${start.status} already`);
    const status = await c.env.STARTS.getByName(start.uuid).cancel(start.uuid);
    if (status !== "cancelled") throw conflict(`start ${start.uuid} is ${status} already`);
    return c.json(await output(db, await findStart(db, start.uuid)));
  });
