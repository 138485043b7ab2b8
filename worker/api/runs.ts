import { and, desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { runs } from "../db/schema";
import { Uuid } from "./common";
import type { ApiEnv } from "./context";
import { describe, validate } from "./openapi";
import { afterCursor, page, PageQuery, toPage } from "./pagination";

export const RunStatus = z.enum(["active", "waiting", "completed", "interrupted", "expired", "failed"]);

export const RunOut = z.object({
  uuid: z.string(),
  contact: z.string(),
  flow: z.string(),
  flow_version: z.number().int(),
  status: RunStatus,
  results: z.record(z.string(), z.unknown()).describe("result key -> {name, value, category, input, node_uuid, created_on}"),
  created_on: z.string(),
  modified_on: z.string(),
  exited_on: z.string().nullable(),
});

const RunQuery = PageQuery.extend({ contact: Uuid.optional(), flow: Uuid.optional(), status: RunStatus.optional() }).refine((q) => q.contact || q.flow, {
  message: "give a contact or a flow (or both)",
  path: ["contact"],
});

const out = (r: typeof runs.$inferSelect): z.infer<typeof RunOut> => ({
  uuid: r.uuid,
  contact: r.contactUuid,
  flow: r.flowUuid,
  flow_version: r.flowVersion,
  status: r.status,
  results: r.results,
  created_on: r.createdOn,
  modified_on: r.modifiedOn,
  exited_on: r.exitedOn,
});

export const runRoutes = new Hono<ApiEnv>().get(
  "/",
  describe({ tag: "runs", summary: "Runs of a contact or of a flow, newest first", response: page(RunOut) }),
  validate("query", RunQuery),
  async (c) => {
    const q = c.req.valid("query");
    const rows = await c
      .get("db")
      .select()
      .from(runs)
      .where(
        and(
          q.contact ? eq(runs.contactUuid, q.contact) : undefined,
          q.flow ? eq(runs.flowUuid, q.flow) : undefined,
          q.status ? eq(runs.status, q.status) : undefined,
          afterCursor(q.cursor, runs.createdOn, runs.uuid),
        ),
      )
      .orderBy(desc(runs.createdOn), desc(runs.uuid))
      .limit(q.limit + 1);
    return c.json(toPage(rows, q.limit, out));
  },
);
