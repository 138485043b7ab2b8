import { count, countDistinct, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { flowCounts, flows, flowVersions, goalPerformers } from "../db/schema";
import type { ApiEnv } from "./context";
import { notFound } from "./errors";
import { describe } from "./openapi";

const Branch = z.object({
  category_uuid: z.string(),
  name: z.string().nullable().describe("the branch's category name in that version (null: a category the version no longer has)"),
  percentage: z.number().int().optional().describe("split audience only: the branch's share, as the version's definition sets it"),
  contacts: z.number().int().describe("contacts who took this branch (each contact once per node, by its first pass)"),
});
const Split = z.object({
  node_uuid: z.string(),
  type: z.enum(["split_audience", "segment_audience"]),
  result_name: z.string().nullable(),
  contacts: z.number().int().describe("contacts who passed the node: the sum of its branches"),
  branches: z.array(Branch).describe("in the order of the node's categories, every one of them, with 0 for a branch nobody took"),
});
const Figures = z.object({
  entered: z.number().int().describe("contacts who entered (had a run in) the flow"),
  goal_performers: z.number().int().describe("of them, those who then performed the goal event (docs/journeys.md, \"Goal\")"),
  splits: z.array(Split),
});
const MetricsOut = z.object({
  flow_uuid: z.string(),
  goal: z.string().nullable().describe("the goal's event name; null: the flow has no goal"),
  total: Figures.describe("all versions: a contact counts once, whatever versions it entered"),
  versions: z.array(Figures.extend({ version: z.number().int() })).describe("each version someone entered, oldest first"),
});

type Router = { type: "split_audience" | "segment_audience"; result_name?: string; categories?: { uuid: string; name: string }[]; percentages?: number[] };

/**
 * A flow's metrics (docs/journeys.md, "Metrics"): contacts entered, the branches of its split
 * audience and segment audience nodes, and goal performers, per version and in total. Reads
 * counters (`flow_counts`, kept as the contacts' objects write `flow_passes`), the split nodes of
 * the versions counted (extracted by D1 from the stored definitions), and the goal's performers.
 */
export const flowMetricsRoutes = new Hono<ApiEnv>().get(
  "/:uuid/metrics",
  describe({ tag: "flows", summary: "A flow's metrics: contacts entered, per branch of each split (A/B/n and segment), goal performers, per version and in total", response: MetricsOut }),
  async (c) => {
    const db = c.get("db");
    const uuid = c.req.param("uuid");
    const flow = await db.select({ uuid: flows.uuid, goal: flows.goal }).from(flows).where(eq(flows.uuid, uuid)).get();
    if (!flow) throw notFound("flow", uuid);
    const [counts, goalTotal, goalByVersion] = await db.batch([
      db.select().from(flowCounts).where(eq(flowCounts.flowUuid, uuid)),
      db.select({ n: countDistinct(goalPerformers.contactUuid) }).from(goalPerformers).where(eq(goalPerformers.flowUuid, uuid)),
      db.select({ version: goalPerformers.version, n: count() }).from(goalPerformers).where(eq(goalPerformers.flowUuid, uuid)).groupBy(goalPerformers.version),
    ]);
    const versions = [...new Set([...counts.map((r) => r.version).filter((v) => v > 0), ...goalByVersion.map((r) => r.version)])].sort((a, b) => a - b);
    // Only the split nodes of the versions counted, not their whole definitions.
    const nodes = versions.length
      ? await db.all<{ version: number; node: string; router: string }>(sql`
          SELECT v.version AS version, n.value ->> '$.uuid' AS node, n.value ->> '$.router' AS router
          FROM ${flowVersions} AS v, json_each(v.definition, '$.nodes') AS n
          WHERE v.flow_uuid = ${uuid} AND v.version IN (${sql.join(versions.map((v) => sql`${v}`), sql`, `)})
            AND n.value ->> '$.router.type' IN ('split_audience', 'segment_audience')`)
      : [];
    const routers = new Map<number, Map<string, Router>>();
    for (const r of nodes) {
      if (!routers.has(r.version)) routers.set(r.version, new Map());
      routers.get(r.version)!.set(r.node, JSON.parse(r.router) as Router);
    }
    // The totals name each node as the newest version that has it does.
    const newest = new Map<string, Router>();
    for (const v of versions) for (const [node, router] of routers.get(v) ?? []) newest.set(node, router);

    const goalBy = new Map(goalByVersion.map((r) => [r.version, r.n]));
    const figures = (version: number, nodesOf: Map<string, Router>, goal: number) => {
      const rows = counts.filter((r) => r.version === version);
      const tally = (node: string, category: string) => rows.find((r) => r.nodeUuid === node && r.categoryUuid === category)?.contacts ?? 0;
      const splits = [...nodesOf].map(([node, router]) => {
        const known = router.categories ?? [];
        const gone = rows.filter((r) => r.nodeUuid === node && !known.some((k) => k.uuid === r.categoryUuid));
        const branches = [
          ...known.map((k, i) => ({
            category_uuid: k.uuid,
            name: k.name,
            ...(router.type === "split_audience" ? { percentage: router.percentages?.[i] ?? 0 } : {}),
            contacts: tally(node, k.uuid),
          })),
          ...gone.map((r) => ({ category_uuid: r.categoryUuid, name: null, contacts: r.contacts })),
        ];
        return {
          node_uuid: node,
          type: router.type,
          result_name: router.result_name ?? null,
          contacts: branches.reduce((n, b) => n + b.contacts, 0),
          branches,
        };
      });
      return { entered: tally("", ""), goal_performers: goal, splits };
    };
    return c.json({
      flow_uuid: flow.uuid,
      goal: (flow.goal as { event?: string } | null)?.event ?? null,
      total: figures(0, newest, goalTotal[0]?.n ?? 0),
      versions: versions.map((v) => ({ version: v, ...figures(v, routers.get(v) ?? new Map(), goalBy.get(v) ?? 0) })),
    });
  },
);
