import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { loadFlow, type FlowProblem } from "../../durable/engine/flow/load";
import { MigrationError, readExport } from "../../durable/engine/flow/migrate";
import { SPEC_VERSION } from "../../durable/engine/flow/schema";
import { chunkRows } from "../db";
import { fields as fieldsTable, flows, flowVersions, groups, triggers } from "../db/schema";
import { Name, nonEmpty, now, Timezone, Uuid } from "./common";
import type { ApiEnv } from "./context";
import { ApiError, conflict, invalid, IssueSchema, notFound, type Issue } from "./errors";
import { FieldType, RESERVED_FIELD_KEYS } from "./fields";
import { withFlowAssets } from "./import-assets";
import { importEntryPoints, ImportedTrigger, knownAssets, NotImported } from "./import-triggers";
import { describe, validate } from "./openapi";
import { queuePlans } from "../triggers/plan-fanout";
import { queueEvaluations } from "../segments/group-fanout";

const tag = "flows";

export const FlowType = z.enum(["messaging", "messaging_background"]);
/** What a stored flow may be: an imported offline (Surveyor) flow is kept, though nothing starts one (#12). */
export const StoredFlowType = z.enum([...FlowType.options, "messaging_offline"]);
export const FlowStatus = z.enum(["draft", "active", "paused", "archived"]);

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time like 08:30");

/** Who may enter, and how often. */
export const EntryRules = z.strictObject({
  allow_reentry: z.boolean(),
  min_reentry_minutes: z.number().int().min(0).optional(),
  limits: z.array(z.strictObject({ count: z.number().int().min(1), per: z.enum(["day", "week", "month"]) })).optional(),
});

/** Sends outside the window wait for it to open. */
export const DeliveryWindow = z.strictObject({
  days: z.array(z.enum(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])).min(1, "needs at least one day"),
  start: HourMinute,
  end: HourMinute,
  timezone: z.union([z.literal("contact"), Timezone]).describe('"contact" for each contact\'s own time zone, or an IANA zone'),
});

export const Goal = z.strictObject({ event: z.string().min(1) });

/** When the flow accepts entries (docs/flow-settings.md): from `start`, until `end` or for as long as it keeps running ("run_for_a_year"). */
export const EntryWindow = z
  .strictObject({
    start: z.iso.datetime({ offset: true }).nullable().optional().describe("no entries before this; none: from now"),
    end: z
      .string()
      .refine((v) => v === "run_for_a_year" || z.iso.datetime({ offset: true }).safeParse(v).success, 'must be an ISO 8601 date-time or "run_for_a_year"')
      .nullable()
      .optional()
      .describe('no entries from this time on; "run_for_a_year": no end, but the flow is paused once nothing has run in it for a year'),
  })
  // Only when both are dates: a malformed one has its own issue.
  .refine((w) => !(Date.parse(w.end ?? "") <= Date.parse(w.start ?? "")), { path: ["end"], message: "must be after start" });

/** A draft may be broken while it is edited, so any object is accepted; publishing checks it. */
const Definition = z.record(z.string(), z.unknown()).describe("a goflow 14.x flow definition (13.x is migrated)");

const settings = {
  ignore_keywords: z.boolean().optional().describe("keywords sent while a contact waits in this flow go to the flow"),
  entry_rules: EntryRules.nullable().optional(),
  delivery_window: DeliveryWindow.nullable().optional(),
  goal: Goal.nullable().optional(),
  entry_window: EntryWindow.nullable().optional(),
};

// A flow-level schedule was once accepted and never carried out: a flow runs on a timetable
// through /schedules, and a body still sending one is told so.
const refuseSchedule = {
  error: (iss: z.core.$ZodRawIssue) =>
    iss.code === "unrecognized_keys" && iss.keys.includes("schedule")
      ? 'Unrecognized key: "schedule": flows have no schedule setting; start a flow on a timetable with POST /api/v1/schedules'
      : undefined,
};

export const FlowCreate = z.strictObject({
  uuid: Uuid.optional(),
  name: Name(64),
  type: FlowType,
  definition: Definition.optional(),
  ...settings,
}, refuseSchedule);

export const FlowUpdate = z.strictObject({
  name: Name(64).optional(),
  type: FlowType.optional().describe("Glific's \"run this flow in the background\": new starts take the type at once, so neither the draft nor the published version may then wait for a reply"),
  definition: Definition.optional(),
  draft_revision: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("the draft_revision the new definition was edited from: when the draft has moved on since, nothing is saved and the answer is 409 conflict"),
  status: z.enum(["active", "paused", "archived"]).optional(),
  ...settings,
}, refuseSchedule);

const VersionSummary = z.object({ version: z.number().int(), published_on: z.string() });

export const FlowOut = z.object({
  uuid: z.string(),
  name: z.string(),
  type: StoredFlowType,
  status: FlowStatus,
  published_version: z.number().int().nullable(),
  draft_revision: z.number().int(),
  ignore_keywords: z.boolean(),
  entry_rules: EntryRules.nullable(),
  delivery_window: DeliveryWindow.nullable(),
  goal: Goal.nullable(),
  entry_window: EntryWindow.nullable(),
  created_on: z.string(),
  modified_on: z.string(),
});
export const FlowDetail = FlowOut.extend({
  definition: Definition.describe("the draft"),
  versions: z.array(VersionSummary),
  problems: z.array(IssueSchema).describe("what publishing the draft would complain about"),
});
export const FlowVersionOut = VersionSummary.extend({ flow_uuid: z.string(), definition: Definition });
export const Problems = z.object({ valid: z.boolean(), problems: z.array(IssueSchema) });

const ImportFile = z.looseObject({
  // Glific's exports have no version; their flows are {definition, keywords}.
  version: z.union([z.string(), z.number()]).optional(),
  flows: z.array(z.record(z.string(), z.unknown())).default([]),
  fields: z.array(z.record(z.string(), z.unknown())).optional(),
  groups: z.array(z.record(z.string(), z.unknown())).optional(),
  campaigns: z.array(z.unknown()).optional(),
  triggers: z.array(z.unknown()).optional(),
}).refine((f) => f.flows.length + (f.fields?.length ?? 0) + (f.groups?.length ?? 0) + (f.campaigns?.length ?? 0) + (f.triggers?.length ?? 0) > 0, {
  message: "the export brings nothing: no flows, fields, groups, campaigns or triggers",
  path: ["flows"],
});
const ImportResult = z.object({
  flows: z.array(z.object({ uuid: z.string(), name: z.string(), created: z.boolean(), problems: z.array(IssueSchema) })),
  fields: z.object({ created: z.array(z.string()) }),
  groups: z.object({ created: z.array(z.string()), updated: z.array(z.string()) }),
  triggers: z.array(ImportedTrigger).describe("the export's triggers, campaign events and Glific keywords, as Eddy's triggers (worker/api/import-triggers.ts)"),
  not_imported: z.array(NotImported).describe("each trigger or campaign event the export carries that Eddy did not import, and why: nothing is dropped silently"),
});

type FlowRow = typeof flows.$inferSelect;

const out = (r: FlowRow): z.infer<typeof FlowOut> => ({
  uuid: r.uuid,
  name: r.name,
  type: r.type,
  status: r.status,
  published_version: r.publishedVersion,
  draft_revision: r.draftRevision,
  ignore_keywords: r.ignoreKeywords,
  entry_rules: r.entryRules as z.infer<typeof EntryRules> | null,
  delivery_window: r.deliveryWindow as z.infer<typeof DeliveryWindow> | null,
  goal: r.goal as z.infer<typeof Goal> | null,
  entry_window: r.entryWindow as z.infer<typeof EntryWindow> | null,
  created_on: r.createdOn,
  modified_on: r.modifiedOn,
});

/** A new flow's first draft: one that loads, with no nodes yet. */
function emptyDefinition(uuid: string, name: string, type: string): Record<string, unknown> {
  return { uuid, name, spec_version: SPEC_VERSION, language: "eng", type, revision: 0, expire_after_minutes: 10080, nodes: [] };
}

/** The flow row owns uuid, name and type; the definition is kept in step with it. */
export const withIdentity = (definition: Record<string, unknown>, flow: { uuid: string; name: string; type: string }, revision: number) => ({
  ...definition,
  uuid: flow.uuid,
  name: flow.name,
  type: flow.type,
  revision,
});

// The flows list (flow-list.ts) shows the same flow and duplicates into the same detail.
export { out as flowOut, detail as flowDetail };

const problemsOf = (definition: unknown): Issue[] => loadFlow(definition).problems.map(toIssue);

export function toIssue(p: FlowProblem): Issue {
  return { level: p.level, path: p.path, message: p.message, ...(p.node_uuid ? { node_uuid: p.node_uuid } : {}), ...(p.action_uuid ? { action_uuid: p.action_uuid } : {}) };
}

/**
 * Flow-type rules on waits (a background flow waiting for a reply) are refused when the draft is
 * saved, not only at publish, so the editor reports them on the node at once.
 */
function rejectTypeRuleViolations(definition: Record<string, unknown>, where = ""): void {
  const violations = problemsOf(definition).filter((p) => p.level === "error" && /^nodes\[\d+\]\.router\.wait$/.test(p.path));
  if (violations.length) throw new ApiError(422, "flow_invalid", violations.map((v) => where + v.message).join("; "), violations);
}

/** Someone else saved the draft after the editor read it. */
const draftMoved = (flow: FlowRow, read: number) =>
  conflict(`the draft was changed by someone else (revision ${flow.draftRevision}, you edited revision ${read}): reload it to see their changes`, [
    { path: "draft_revision", message: `is ${flow.draftRevision} now` },
  ]);

/** The settings columns from a create or update body; absent keys stay as they are. */
function settingsColumns(body: z.infer<typeof FlowUpdate>) {
  return {
    ...(body.ignore_keywords !== undefined ? { ignoreKeywords: body.ignore_keywords } : {}),
    ...(body.entry_rules !== undefined ? { entryRules: body.entry_rules } : {}),
    ...(body.delivery_window !== undefined ? { deliveryWindow: body.delivery_window } : {}),
    ...(body.goal !== undefined ? { goal: body.goal } : {}),
    ...(body.entry_window !== undefined ? { entryWindow: body.entry_window } : {}),
  };
}

async function findFlow(db: ApiEnv["Variables"]["db"], uuid: string): Promise<FlowRow> {
  const flow = await db.select().from(flows).where(eq(flows.uuid, uuid)).get();
  if (!flow) throw notFound("flow", uuid);
  return flow;
}

async function versionsOf(db: ApiEnv["Variables"]["db"], uuid: string) {
  const rows = await db
    .select({ version: flowVersions.version, publishedOn: flowVersions.publishedOn })
    .from(flowVersions)
    .where(eq(flowVersions.flowUuid, uuid))
    .orderBy(desc(flowVersions.version));
  return rows.map((v) => ({ version: v.version, published_on: v.publishedOn }));
}

async function detail(db: ApiEnv["Variables"]["db"], flow: FlowRow): Promise<z.infer<typeof FlowDetail>> {
  return { ...out(flow), definition: flow.draft, versions: await versionsOf(db, flow.uuid), problems: problemsOf(flow.draft) };
}

const FIELD_TYPES_FROM_EXPORTS: Record<string, z.infer<typeof FieldType>> = { numeric: "number", number: "number", text: "text", datetime: "datetime", state: "state", district: "district", ward: "ward" };

export const flowRoutes = new Hono<ApiEnv>()
  .post("/", describe({ tag, summary: "Create a flow, with an empty draft or the given definition", status: 201, response: FlowDetail }), validate("json", FlowCreate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const uuid = body.uuid ?? Uuid.safeParse(body.definition?.uuid).data ?? crypto.randomUUID();
    const draft = withIdentity(body.definition ?? emptyDefinition(uuid, body.name, body.type), { uuid, name: body.name, type: body.type }, 1);
    rejectTypeRuleViolations(draft);
    if (await db.select({ uuid: flows.uuid }).from(flows).where(eq(flows.uuid, uuid)).get()) throw conflict(`flow ${uuid} already exists`, [{ path: "uuid", message: "is taken" }]);
    const at = now();
    const [row] = await db
      .insert(flows)
      .values({ uuid, name: body.name, type: body.type, draft, draftRevision: 1, createdOn: at, modifiedOn: at, ...settingsColumns(body) })
      .returning();
    return c.json(await detail(db, row), 201);
  })
  .post("/import", describe({ tag, summary: "Import a goflow export file: creates or updates the flows' drafts by UUID, and the fields and groups", response: ImportResult }), validate("json", ImportFile), async (c) => {
    const db = c.get("db");
    let file;
    try {
      file = readExport(c.req.valid("json"));
    } catch (e) {
      if (e instanceof MigrationError) throw invalid([{ path: "flows", message: e.message }]);
      throw e;
    }
    // The fields and groups the flows use that are not here are created with the export's own.
    file = await withFlowAssets(db, file, c.req.valid("json"));

    // Everything is checked before anything is written, so a bad file changes nothing.
    const issues: Issue[] = [];
    const incoming = file.flows.map(({ definition }, i) => {
      const d = definition as Record<string, unknown>;
      const uuid = Uuid.safeParse(d.uuid);
      const type = StoredFlowType.safeParse(d.type);
      const name = typeof d.name === "string" && d.name.trim() ? d.name.trim().slice(0, 64) : "";
      if (!uuid.success) issues.push({ path: `flows.${i}.uuid`, message: "must be a UUID" });
      if (!type.success) issues.push({ path: `flows.${i}.type`, message: `Eddy imports messaging, messaging_background and messaging_offline flows, not ${String(d.type)}` });
      if (!name) issues.push({ path: `flows.${i}.name`, message: "needs a name" });
      return { uuid: uuid.data ?? "", type: type.data ?? "messaging", name, definition: d };
    });
    const newFields = file.fields.map((f, i) => {
      const type = FIELD_TYPES_FROM_EXPORTS[f.type];
      if (!type) issues.push({ path: `fields.${i}.type`, message: `unknown field type ${f.type}` });
      if (!/^[a-z][a-z0-9_]{0,35}$/.test(f.key)) issues.push({ path: `fields.${i}.key`, message: "must be snake_case, at most 36 characters" });
      else if (RESERVED_FIELD_KEYS.has(f.key)) issues.push({ path: `fields.${i}.key`, message: "is reserved for the contact's own attributes and URN schemes" });
      return { key: f.key, name: f.name, type: type ?? "text" };
    });
    if (issues.length) throw invalid(issues);

    const uuids = incoming.map((f) => f.uuid);
    const existing = new Map<string, FlowRow>();
    for (const chunk of chunkRows(uuids, 1)) for (const row of await db.select().from(flows).where(inArray(flows.uuid, chunk))) existing.set(row.uuid, row);
    incoming.forEach((f, i) => {
      const had = existing.get(f.uuid);
      if (had && had.type !== f.type) issues.push({ path: `flows.${i}.type`, message: `flow ${f.uuid} exists as a ${had.type} flow` });
    });

    const groupUuids = file.groups.map((g) => g.uuid.toLowerCase());
    const allGroups = await db.select({ uuid: groups.uuid, name: groups.name }).from(groups);
    const knownGroups = new Set(allGroups.map((g) => g.uuid));
    file.groups.forEach((g, i) => {
      const clash = allGroups.find((o) => o.name.toLowerCase() === g.name.toLowerCase() && o.uuid !== g.uuid.toLowerCase());
      if (clash) issues.push({ path: `groups.${i}.name`, message: `another group (${clash.uuid}) is called ${clash.name}` });
    });
    if (issues.length) throw conflict("the export clashes with what is here", issues);

    const knownFields = new Set((await db.select({ key: fieldsTable.key }).from(fieldsTable)).map((f) => f.key));
    const fieldsToCreate = newFields.filter((f) => !knownFields.has(f.key));

    const at = now();
    const assetsHere = await knownAssets(db);
    const entry = await importEntryPoints(db, c.req.valid("json"), {
      flows: new Set(incoming.map((f) => f.uuid)),
      fieldTypes: new Map([...assetsHere.fieldTypes, ...newFields.map((f) => [f.key, f.type] as const)]),
      groups: new Set([...assetsHere.groups, ...groupUuids]),
    }, at);
    const statements = [
      ...incoming.map((f) => {
        const had = existing.get(f.uuid);
        const revision = (had?.draftRevision ?? 0) + 1;
        const draft = withIdentity(f.definition, f, revision);
        return had
          ? db.update(flows).set({ name: f.name, draft, draftRevision: revision, modifiedOn: at }).where(eq(flows.uuid, f.uuid))
          : db.insert(flows).values({ uuid: f.uuid, name: f.name, type: f.type, draft, draftRevision: 1, createdOn: at, modifiedOn: at });
      }),
      ...chunkRows(fieldsToCreate, 3).map((rows) => db.insert(fieldsTable).values(rows)),
      ...chunkRows(file.groups.map((g) => ({ uuid: g.uuid.toLowerCase(), name: g.name, query: g.query ?? null, modifiedOn: at })), 4).map((rows) =>
        db.insert(groups).values(rows).onConflictDoUpdate({ target: groups.uuid, set: { name: sql`excluded.name`, query: sql`excluded.query`, modifiedOn: sql`excluded.modified_on` } }),
      ),
      ...entry.statements,
    ];
    if (statements.length) await db.batch(nonEmpty(statements));
    await queuePlans(c.env, entry.plans);
    // Smart groups' members are computed by the contacts' objects, a page at a time (worker/segments/group-fanout.ts).
    await queueEvaluations(c.env, new URL(c.req.url).origin, file.groups.flatMap((g) => (g.query ? [{ uuid: g.uuid.toLowerCase(), query: g.query }] : [])));

    return c.json({
      flows: [
        ...incoming.map((f) => ({ uuid: f.uuid, name: f.name, created: !existing.has(f.uuid), problems: problemsOf(f.definition) })),
        ...entry.generated.map((f) => ({ ...f, problems: [] })),
      ],
      fields: { created: fieldsToCreate.map((f) => f.key) },
      groups: { created: groupUuids.filter((u) => !knownGroups.has(u)), updated: groupUuids.filter((u) => knownGroups.has(u)) },
      triggers: entry.triggers,
      not_imported: entry.notImported,
    } satisfies z.infer<typeof ImportResult>);
  })
  .get("/:uuid", describe({ tag, summary: "Get a flow: settings, draft, versions", response: FlowDetail }), async (c) => {
    const db = c.get("db");
    return c.json(await detail(db, await findFlow(db, c.req.param("uuid"))));
  })
  .patch("/:uuid", describe({ tag, summary: "Update a flow's draft, settings or status; published versions never change. With draft_revision, a draft saved by someone else since gives 409 conflict", response: FlowDetail }), validate("json", FlowUpdate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const flow = await findFlow(db, c.req.param("uuid"));
    if (body.status && body.status !== "archived" && flow.publishedVersion === null)
      throw conflict("a flow is active or paused only once published", [{ path: "status", message: "publish the flow first" }]);

    if (body.draft_revision !== undefined && body.draft_revision !== flow.draftRevision) throw draftMoved(flow, body.draft_revision);

    const name = body.name ?? flow.name;
    const type = body.type ?? flow.type;
    const retyped = type !== flow.type;
    const revision = body.definition || retyped ? flow.draftRevision + 1 : flow.draftRevision;
    const draft = body.definition || body.name || retyped ? withIdentity(body.definition ?? flow.draft, { ...flow, name, type }, revision) : undefined;
    // A new type is checked against the draft as it is: a flow that waits for replies cannot become a background one.
    if ((body.definition || retyped) && draft) rejectTypeRuleViolations(draft);
    // New starts run the published version as the flow's type at once (durable/contact/sprints.ts),
    // so it must not wait for replies either.
    if (retyped && flow.publishedVersion !== null) {
      const published = await db.select({ definition: flowVersions.definition }).from(flowVersions).where(and(eq(flowVersions.flowUuid, flow.uuid), eq(flowVersions.version, flow.publishedVersion))).get();
      if (published) rejectTypeRuleViolations({ ...(published.definition as Record<string, unknown>), type }, `published version ${flow.publishedVersion}: `);
    }

    const [row] = await db
      .update(flows)
      .set({ name, type, ...(draft ? { draft, draftRevision: revision } : {}), ...(body.status ? { status: body.status } : {}), ...settingsColumns(body), modifiedOn: now() })
      // The revision read is checked again in the write itself, so of two saves racing from the
      // same revision only one lands.
      .where(and(eq(flows.uuid, flow.uuid), body.draft_revision !== undefined ? eq(flows.draftRevision, body.draft_revision) : undefined))
      .returning();
    if (!row) throw draftMoved(await findFlow(db, flow.uuid), body.draft_revision!);
    return c.json(await detail(db, row));
  })
  .delete("/:uuid", describe({ tag, summary: "Delete a never-published flow (and its triggers)", status: 204, response: null }), async (c) => {
    const db = c.get("db");
    const flow = await findFlow(db, c.req.param("uuid"));
    if (flow.publishedVersion !== null) throw conflict(`flow ${flow.uuid} has been published; archive it instead`);
    await db.batch([db.delete(triggers).where(eq(triggers.flowUuid, flow.uuid)), db.delete(flows).where(eq(flows.uuid, flow.uuid))]);
    return c.body(null, 204);
  })
  .post("/:uuid/validate", describe({ tag, summary: "Check the draft: every problem, with its node", response: Problems }), async (c) => {
    const flow = await findFlow(c.get("db"), c.req.param("uuid"));
    const problems = problemsOf(flow.draft);
    return c.json({ valid: !problems.some((p) => p.level === "error"), problems });
  });
