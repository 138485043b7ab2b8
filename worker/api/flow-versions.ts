import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import type { Database } from "../db";
import { fields as fieldsTable, flows, flowVersions, groups, runs } from "../db/schema";
import { listDependencies } from "../../durable/engine/flow/dependencies";
import { loadFlow } from "../../durable/engine/flow/load";
import { enteredFlowProblems } from "../../durable/engine/flow/validate";
import { FlowVariable, type FlowDefinition } from "../../durable/engine/flow/schema";
import type { Principal } from "../auth/roles";
import { now } from "./common";
import type { ApiEnv } from "./context";
import { ApiError, conflict, IssueSchema, notFound, type Issue } from "./errors";
import { FlowVersionOut, toIssue, withIdentity } from "./flows";
import { describe, validate } from "./openapi";
import { planPublishedFlow } from "../triggers/plan-fanout";

const tag = "flows";

const VersionStatus = z.enum(["active", "finishing", "ended"]);

const VersionListed = z.object({
  version: z.number().int(),
  published_on: z.string(),
  published_by: z.string().nullable().describe("who published it: the user, or the API token's name"),
  status: VersionStatus.describe("active: new contacts enter it; finishing: an older version contacts are still in; ended: nobody left"),
  contacts: z.number().int().describe("contacts still in it (a run active or waiting)"),
});

const Restored = z.object({ flow_uuid: z.string(), restored_version: z.number().int(), draft_revision: z.number().int() });

type FlowRow = typeof flows.$inferSelect;
type VersionRow = typeof flowVersions.$inferSelect;

const versionOut = (flow: FlowRow, v: VersionRow): z.infer<typeof FlowVersionOut> => ({ flow_uuid: flow.uuid, version: v.version, published_on: v.publishedOn, definition: v.definition });

const Published = FlowVersionOut.extend({
  warnings: z.array(IssueSchema).describe("what the version refers to that does not exist (fields, groups, flows) and the definition's own warnings, each with its node"),
});

/**
 * The fields, groups and flows a definition refers to that do not exist here, each where it is
 * used. Warnings, not errors: the engine runs such a flow (a missing field is an error event at
 * that step), and an export's flows may be published before the flows they enter.
 */
async function missingDependencies(db: Database, definition: FlowDefinition): Promise<Issue[]> {
  const deps = listDependencies(definition).filter((d) => d.type === "field" || d.type === "group" || d.type === "flow");
  if (!deps.length) return [];
  const [fieldRows, groupRows, flowRows] = await db.batch([
    db.select({ key: fieldsTable.key }).from(fieldsTable),
    db.select({ uuid: groups.uuid, name: groups.name }).from(groups),
    db.select({ uuid: flows.uuid }).from(flows),
  ]);
  const fieldKeys = new Set(fieldRows.map((f) => f.key));
  const groupUuids = new Set(groupRows.map((g) => g.uuid));
  const groupNames = new Set(groupRows.map((g) => g.name.toLowerCase()));
  const flowUuids = new Set(flowRows.map((f) => f.uuid));
  const issue = (d: (typeof deps)[number], message: string): Issue => ({ level: "warning", path: d.path, message, node_uuid: d.node_uuid, ...(d.action_uuid ? { action_uuid: d.action_uuid } : {}) });
  return deps.flatMap((d) => {
    if (d.type === "field") return d.key && !fieldKeys.has(d.key) ? [issue(d, `there is no contact field "${d.key}": create it, or change the reference`)] : [];
    if (d.type === "group") {
      const known = (d.uuid && groupUuids.has(d.uuid.toLowerCase())) || (d.name && groupNames.has(d.name.toLowerCase()));
      return known ? [] : [issue(d, `there is no group "${d.name ?? d.uuid}"`)];
    }
    return d.uuid && !flowUuids.has(d.uuid.toLowerCase()) ? [issue(d, `there is no flow ${d.name ? `"${d.name}" ` : ""}(${d.uuid})`)] : [];
  });
}

/**
 * A flow that enters one its sessions can't (a background flow entering a messaging flow) fails that
 * run in goflow, and variables passed to a published flow that does not declare them (or of a type
 * that never fits) are only errors in its runs: 422.
 */
async function refuseWrongFlowTypes(db: Database, definition: FlowDefinition): Promise<void> {
  const entered = listDependencies(definition).flatMap((d) => (d.type === "flow" && d.uuid ? [d.uuid.toLowerCase()] : []));
  if (!entered.length) return;
  const rows = await db
    .select({ uuid: flows.uuid, type: flows.type, definition: flowVersions.definition })
    .from(flows)
    .leftJoin(flowVersions, and(eq(flowVersions.flowUuid, flows.uuid), eq(flowVersions.version, flows.publishedVersion)))
    .where(inArray(flows.uuid, [...new Set(entered)].slice(0, 90)));
  const types = new Map(rows.map((r) => [r.uuid, r.type as string]));
  // The variables the other flow's newest published version declares (its runs check against those).
  const variables = new Map(rows.flatMap((r) => (r.definition ? [[r.uuid, z.array(FlowVariable).catch([]).parse(r.definition.variables ?? [])] as const] : [])));
  const problems = enteredFlowProblems(
    definition,
    (uuid) => types.get(uuid.toLowerCase()),
    (uuid) => variables.get(uuid.toLowerCase()),
  ).map(toIssue);
  if (problems.length) throw new ApiError(422, "flow_invalid", `the draft has ${problems.length} problem${problems.length === 1 ? "" : "s"} to fix before it can be published`, problems);
}

/** What the versions list shows as the publisher. */
const publisher = (p: Principal | undefined) => (p?.kind === "user" ? p.email : "API token");

async function findFlow(db: Database, uuid: string): Promise<FlowRow> {
  const flow = await db.select().from(flows).where(eq(flows.uuid, uuid)).get();
  if (!flow) throw notFound("flow", uuid);
  return flow;
}

async function findVersion(db: Database, flow: FlowRow, raw: string) {
  const number = Number(raw);
  const version = Number.isInteger(number)
    ? await db.select().from(flowVersions).where(and(eq(flowVersions.flowUuid, flow.uuid), eq(flowVersions.version, number))).get()
    : undefined;
  if (!version) throw notFound(`version of flow ${flow.uuid}`, raw);
  return version;
}

/**
 * Versions with their publisher and who is still inside: one query over the flow's runs that are
 * not over (a contact counted once per version it is in).
 */
async function listVersions(db: Database, flow: FlowRow): Promise<z.infer<typeof VersionListed>[]> {
  const [versions, inside] = await db.batch([
    db
      .select({ version: flowVersions.version, publishedOn: flowVersions.publishedOn, publishedBy: flowVersions.publishedBy })
      .from(flowVersions)
      .where(eq(flowVersions.flowUuid, flow.uuid))
      .orderBy(desc(flowVersions.version)),
    db
      .select({ version: runs.flowVersion, contacts: sql<number>`COUNT(DISTINCT ${runs.contactUuid})` })
      .from(runs)
      .where(and(eq(runs.flowUuid, flow.uuid), inArray(runs.status, ["active", "waiting"])))
      .groupBy(runs.flowVersion),
  ]);
  const counts = new Map(inside.map((r) => [r.version, r.contacts]));
  return versions.map((v) => {
    const contacts = counts.get(v.version) ?? 0;
    return {
      version: v.version,
      published_on: v.publishedOn,
      published_by: v.publishedBy,
      status: v.version === flow.publishedVersion ? "active" : contacts > 0 ? "finishing" : "ended",
      contacts,
    };
  });
}

export const flowVersionRoutes = new Hono<ApiEnv>()
  .post(
    "/:uuid/publish",
    describe({ tag, summary: "Validate the draft and freeze it as the next version (422 lists every problem, with its node; warnings come with the version)", status: 201, response: Published }),
    validate("query", z.object({ draft_revision: z.coerce.number().int().min(1).optional().describe("the draft revision the caller saw: 409 if it was saved again since") })),
    async (c) => {
      const db = c.get("db");
      const flow = await findFlow(db, c.req.param("uuid"));
      const seen = c.req.valid("query").draft_revision;
      if (seen !== undefined && seen !== flow.draftRevision) {
        throw conflict(`the draft was saved again since revision ${seen} (it is at ${flow.draftRevision}): reload it and publish what you see`, [{ path: "draft_revision", message: `is ${flow.draftRevision} now` }]);
      }
      const loaded = loadFlow(flow.draft);
      if (!loaded.ok) {
        const problems = loaded.problems.map(toIssue);
        const errors = problems.filter((p) => p.level === "error").length;
        throw new ApiError(422, "flow_invalid", `the draft has ${errors} problem${errors === 1 ? "" : "s"} to fix before it can be published`, problems);
      }
      await refuseWrongFlowTypes(db, loaded.flow);
      const definition = loaded.flow as Record<string, unknown>;
      const warnings = [...loaded.problems.map(toIssue), ...(await missingDependencies(db, loaded.flow))];

      // Publishing an unchanged draft again gives back the current version instead of a copy.
      if (flow.publishedVersion !== null) {
        const latest = await db.select().from(flowVersions).where(and(eq(flowVersions.flowUuid, flow.uuid), eq(flowVersions.version, flow.publishedVersion))).get();
        if (latest && JSON.stringify(latest.definition) === JSON.stringify(definition)) return c.json({ ...versionOut(flow, latest), warnings }, 200);
      }

      // The version number is computed inside the statement, and the batch is one transaction, so
      // two publishes at once cannot take the same number.
      const nextVersion = sql<number>`(SELECT COALESCE(MAX(${flowVersions.version}), 0) + 1 FROM ${flowVersions} WHERE ${flowVersions.flowUuid} = ${flow.uuid})`;
      const at = now();
      const [[version]] = await db.batch([
        db.insert(flowVersions).values({ flowUuid: flow.uuid, version: nextVersion, definition, publishedOn: at, publishedBy: publisher(c.get("principal")) }).returning(),
        db
          .update(flows)
          .set({
            publishedVersion: sql`(SELECT MAX(${flowVersions.version}) FROM ${flowVersions} WHERE ${flowVersions.flowUuid} = ${flow.uuid})`,
            status: flow.status === "draft" ? "active" : flow.status,
            modifiedOn: at,
          })
          .where(eq(flows.uuid, flow.uuid)),
      ]);
      // Date-relative fires held while the flow was a draft start now (docs/triggers.md).
      if (flow.publishedVersion === null) await planPublishedFlow(c.env, flow.uuid);
      return c.json({ ...versionOut(flow, version), warnings } satisfies z.infer<typeof Published>, 201);
    },
  )
  .get("/:uuid/versions", describe({ tag, summary: "List a flow's published versions, newest first: status, contacts still inside, publisher", response: z.object({ results: z.array(VersionListed) }) }), async (c) => {
    const db = c.get("db");
    return c.json({ results: await listVersions(db, await findFlow(db, c.req.param("uuid"))) });
  })
  .get("/:uuid/versions/:version", describe({ tag, summary: "Get a published version's frozen definition", response: FlowVersionOut }), async (c) => {
    const db = c.get("db");
    const flow = await findFlow(db, c.req.param("uuid"));
    return c.json(versionOut(flow, await findVersion(db, flow, c.req.param("version"))));
  })
  .post("/:uuid/versions/:version/restore", describe({ tag, summary: "Make a published version the draft again (the draft's revision moves on, so an editor still on the old draft gets a conflict)", response: Restored }), async (c) => {
    const db = c.get("db");
    const flow = await findFlow(db, c.req.param("uuid"));
    const version = await findVersion(db, flow, c.req.param("version"));
    const revision = flow.draftRevision + 1;
    await db.update(flows).set({ draft: withIdentity(version.definition, flow, revision), draftRevision: revision, modifiedOn: now() }).where(eq(flows.uuid, flow.uuid));
    return c.json({ flow_uuid: flow.uuid, restored_version: version.version, draft_revision: revision } satisfies z.infer<typeof Restored>);
  });
