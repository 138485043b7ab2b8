/**
 * What the console's flows list needs beyond a flow's own row: who is in each flow now, which
 * older versions are still finishing, search by name, and duplicating a flow.
 */
import { and, desc, eq, inArray, like, sql, type SQL } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { Database } from "../db";
import { flows, flowVersions, runs } from "../db/schema";
import { Name, now } from "./common";
import type { ApiEnv } from "./context";
import { notFound } from "./errors";
import { FlowDetail, FlowOut, FlowStatus, FlowType, flowDetail, flowOut } from "./flows";
import { describe, validate } from "./openapi";
import { afterCursor, page, PageQuery, toPage } from "./pagination";

const tag = "flows";
const LIVE = ["active", "waiting"] as const;
// Bound parameters per statement are capped at 100 by D1: the page's uuids go in chunks, with the two statuses.
const UUIDS_PER_QUERY = 90;

const FinishingVersion = z.object({ version: z.number().int(), contacts: z.number().int() });
export const FlowListItem = FlowOut.extend({
  contacts_now: z.number().int().describe("contacts with a run still going in this flow, any version"),
  finishing: z.array(FinishingVersion).describe("older versions that still have contacts in them, which finish there; empty once they are done"),
});

const ListQuery = PageQuery.extend({
  status: z.enum([...FlowStatus.options, "finishing"]).optional().describe("finishing: flows with contacts still in an older version"),
  type: FlowType.optional(),
  search: z.string().trim().min(1).max(64).optional().describe("part of the flow's name, any case"),
});

const Duplicate = z.strictObject({
  name: Name(64).optional().describe('the copy\'s name; "Copy of <name>" when not given'),
  version: z.number().int().min(1).optional().describe("copy this published version instead of the draft"),
});

/** A live run in a version older than the published one: its flow is finishing. */
const hasFinishing = sql`EXISTS (SELECT 1 FROM ${runs} WHERE ${runs.flowUuid} = ${flows.uuid} AND ${runs.status} IN ('active', 'waiting') AND ${runs.flowVersion} < ${flows.publishedVersion})`;

function statusCondition(status: z.infer<typeof ListQuery>["status"]): SQL | undefined {
  if (!status) return undefined;
  return status === "finishing" ? hasFinishing : eq(flows.status, status);
}

/** Live runs per flow and version for a page of flows, read from the runs_live index. */
async function liveCounts(db: Database, uuids: string[]): Promise<Map<string, Map<number, number>>> {
  const counts = new Map<string, Map<number, number>>();
  for (let i = 0; i < uuids.length; i += UUIDS_PER_QUERY) {
    const rows = await db
      .select({ flow: runs.flowUuid, version: runs.flowVersion, n: sql<number>`count(*)` })
      .from(runs)
      .where(and(inArray(runs.flowUuid, uuids.slice(i, i + UUIDS_PER_QUERY)), inArray(runs.status, [...LIVE])))
      .groupBy(runs.flowUuid, runs.flowVersion);
    for (const r of rows) {
      const perVersion = counts.get(r.flow) ?? new Map<number, number>();
      perVersion.set(r.version, r.n);
      counts.set(r.flow, perVersion);
    }
  }
  return counts;
}

// LIKE's own wildcards in a search are meant literally.
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

export const flowListRoutes = new Hono<ApiEnv>()
  .get(
    "/",
    describe({ tag, summary: "List flows, newest first, with the contacts in each now and the older versions still finishing; filter by status or type, search by name", response: page(FlowListItem) }),
    validate("query", ListQuery),
    async (c) => {
      const q = c.req.valid("query");
      const db = c.get("db");
      const rows = await db
        .select()
        .from(flows)
        .where(
          and(
            statusCondition(q.status),
            q.type ? eq(flows.type, q.type) : undefined,
            // SQLite's LIKE ignores ASCII case.
            q.search ? like(flows.name, sql`${`%${escapeLike(q.search)}%`} ESCAPE '\\'`) : undefined,
            afterCursor(q.cursor, flows.createdOn, flows.uuid),
          ),
        )
        .orderBy(desc(flows.createdOn), desc(flows.uuid))
        .limit(q.limit + 1);
      const counts = await liveCounts(db, rows.slice(0, q.limit).map((r) => r.uuid));
      return c.json(
        toPage(rows, q.limit, (row): z.infer<typeof FlowListItem> => {
          const perVersion = counts.get(row.uuid) ?? new Map<number, number>();
          const finishing = [...perVersion]
            .filter(([version]) => row.publishedVersion !== null && version < row.publishedVersion)
            .sort(([a], [b]) => b - a)
            .map(([version, contacts]) => ({ version, contacts }));
          return { ...flowOut(row), contacts_now: [...perVersion.values()].reduce((a, b) => a + b, 0), finishing };
        }),
      );
    },
  )
  .post(
    "/:uuid/duplicate",
    describe({ tag, summary: "Copy a flow (its draft, or a published version) and its settings into a new draft flow", status: 201, response: FlowDetail }),
    validate("json", Duplicate),
    async (c) => {
      const db = c.get("db");
      const body = c.req.valid("json");
      const source = await db.select().from(flows).where(eq(flows.uuid, c.req.param("uuid"))).get();
      if (!source) throw notFound("flow", c.req.param("uuid"));
      let definition = source.draft;
      if (body.version !== undefined) {
        const version = await db
          .select({ definition: flowVersions.definition })
          .from(flowVersions)
          .where(and(eq(flowVersions.flowUuid, source.uuid), eq(flowVersions.version, body.version)))
          .get();
        if (!version) throw notFound(`version of flow ${source.uuid}`, body.version);
        definition = version.definition;
      }
      const uuid = crypto.randomUUID();
      const name = body.name ?? `Copy of ${source.name}`.slice(0, 64);
      const at = now();
      const [row] = await db
        .insert(flows)
        .values({
          uuid,
          name,
          type: source.type,
          draft: { ...definition, uuid, name, revision: 1 },
          draftRevision: 1,
          ignoreKeywords: source.ignoreKeywords,
          entryRules: source.entryRules,
          entryWindow: source.entryWindow,
          deliveryWindow: source.deliveryWindow,
          goal: source.goal,
          createdOn: at,
          modifiedOn: at,
        })
        .returning();
      return c.json(await flowDetail(db, row), 201);
    },
  );

