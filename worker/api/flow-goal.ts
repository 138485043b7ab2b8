import { count, countDistinct, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { flows, goalPerformers, runs } from "../db/schema";
import type { ApiEnv } from "./context";
import { notFound } from "./errors";
import { describe } from "./openapi";

const GoalOut = z.object({
  flow_uuid: z.string(),
  event: z.string().nullable().describe("the goal's event name (the flow's goal setting); null: the flow has no goal"),
  performers: z.number().int().describe("contacts who entered the flow and then performed the event at least once, any version"),
  versions: z.array(
    z.object({
      version: z.number().int(),
      entered: z.number().int().describe("contacts who entered this version"),
      performers: z.number().int().describe("of them, those who then performed the event"),
    }),
  ),
});

/**
 * A flow's goal (docs/journeys.md, "Goal"): who reached it, per version and in total. Counted by the
 * contacts' objects when they record events (`goal_performers`); a contact counts once per version.
 */
export const flowGoalRoutes = new Hono<ApiEnv>().get(
  "/:uuid/goal",
  describe({ tag: "flows", summary: "A flow's goal: the contacts who entered it and then performed its goal event, per version and in total", response: GoalOut }),
  async (c) => {
    const db = c.get("db");
    const uuid = c.req.param("uuid");
    const flow = await db.select({ uuid: flows.uuid, goal: flows.goal }).from(flows).where(eq(flows.uuid, uuid)).get();
    if (!flow) throw notFound("flow", uuid);
    const [total, byVersion, entered] = await db.batch([
      db.select({ n: countDistinct(goalPerformers.contactUuid) }).from(goalPerformers).where(eq(goalPerformers.flowUuid, uuid)),
      db.select({ version: goalPerformers.version, n: count() }).from(goalPerformers).where(eq(goalPerformers.flowUuid, uuid)).groupBy(goalPerformers.version),
      db.select({ version: runs.flowVersion, n: countDistinct(runs.contactUuid) }).from(runs).where(eq(runs.flowUuid, uuid)).groupBy(runs.flowVersion),
    ]);
    const performers = new Map(byVersion.map((r) => [r.version, r.n]));
    const versions = [...new Set([...entered.map((r) => r.version), ...performers.keys()])].sort((a, b) => a - b);
    const enteredBy = new Map(entered.map((r) => [r.version, r.n]));
    return c.json({
      flow_uuid: flow.uuid,
      event: (flow.goal as { event?: string } | null)?.event ?? null,
      performers: total[0]?.n ?? 0,
      versions: versions.map((v) => ({ version: v, entered: enteredBy.get(v) ?? 0, performers: performers.get(v) ?? 0 })),
    });
  },
);
