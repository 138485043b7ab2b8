import { and, asc, eq, inArray } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { CHANNEL_COLUMNS, channelFromRow } from "../channels/stored";
import type { Channel } from "../channels/types";
import type { Database } from "../db";
import { whatsappForms } from "../db/schema";
import { Budget } from "../limits/budget";
import { FORM_STATUSES, type FormStatus } from "../whatsapp-forms/events";
import { endpointIssues, FlowJson, FORM_CATEGORIES } from "../whatsapp-forms/flow-json";
import { graphFor, GraphError, LIST_PAGE, type Graph, type MetaFlow } from "../whatsapp-forms/graph";
import { publicKeyPem } from "../whatsapp-forms/endpoint-crypto";
import { flowScreenIssues } from "../whatsapp-forms/endpoint-flows";
import { appendHistory, statusEntry } from "../whatsapp-forms/history";
import { interactiveForm, inWindow, refusal, templateForm } from "../whatsapp-forms/send";
import { Name, now, Uuid } from "./common";
import type { ApiEnv } from "./context";
import { ApiError, conflict, invalid, invalidField, notFound } from "./errors";
import { describe, validate } from "./openapi";

const tag = "whatsapp-forms";

const Categories = z.array(z.enum(FORM_CATEGORIES)).min(1).max(FORM_CATEGORIES.length);
// What a data endpoint answers per screen: static data, or {"flow": {"uuid"}} to run (endpoint-flows.ts); at most 64 KB in all.
const EndpointScreens = z
  .record(z.string().regex(/^[A-Za-z_]+$/, "a screen id: letters and underscores"), z.record(z.string(), z.unknown()))
  .refine((s) => JSON.stringify(s).length <= 65_536, "is longer than 65536 characters");

export const FormCreate = z.strictObject({
  channel: Uuid.describe("a WhatsApp Cloud channel with config.business_account_id"),
  name: Name(200).describe("unique per WhatsApp Business Account"),
  categories: Categories,
  flow_json: FlowJson.optional().describe("uploaded as the form's flow.json asset"),
  uses_endpoint: z.boolean().default(false).describe("whether the form calls a data endpoint (Eddy's, see endpoint_url)"),
  endpoint_uri: z.url({ protocol: /^https$/ }).max(2048).optional().describe("the data endpoint WhatsApp calls; defaults to Eddy's own (endpoint_url) when uses_endpoint"),
  endpoint_screens: EndpointScreens.optional().describe('what Eddy\'s data endpoint answers per screen id: static data, or {"flow": {"uuid": …}}, a published background flow run for the contact'),
});

export const FormUpdate = z.strictObject({
  name: Name(200).optional(),
  categories: Categories.optional(),
  flow_json: FlowJson.optional(),
  endpoint_screens: EndpointScreens.optional().describe('what Eddy\'s data endpoint answers per screen id: static data, or {"flow": {"uuid": …}}, a published background flow run for the contact; may change in any status'),
});

export const FormClone = z.strictObject({ name: Name(200).describe("the new draft's name") });
export const FormPublicKey = z.strictObject({ channel: Uuid });
export const FormSync = z.strictObject({ channel: Uuid, after: z.string().max(512).optional().describe("the previous answer's `next`, to continue") });

export const FormSend = z.strictObject({
  contact: Uuid.describe("a contact with a whatsapp URN who wrote on the form's channel in the last 24 hours"),
  text: z.string().trim().min(1).max(1024).describe("the message body"),
  cta: Name(30).describe("the button that opens the form"),
  header: Name(60).optional(),
  footer: Name(60).optional(),
  screen: z.string().regex(/^[A-Za-z_]+$/, "a screen id: letters and underscores").max(128).optional().describe("the entry screen to open; without it a form with an endpoint asks it (INIT)"),
  data: z
    .record(z.string(), z.unknown())
    .refine((d) => JSON.stringify(d).length <= 16_384, "is longer than 16384 characters")
    .optional()
    .describe("the first screen's data"),
  test: z.boolean().default(false).describe("send a draft, as a test (WhatsApp shows it with a draft banner)"),
  template: z
    .strictObject({ name: z.string().trim().min(1).max(512), language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, "a language code like en_US"), variables: z.array(z.string().max(1024)).max(20).optional() })
    .optional()
    .describe("an approved template with a FLOW button: sent instead when the contact is outside the 24-hour window"),
});

export const SendOut = z.object({ flow_token: z.string(), message: z.string().describe("the message's uuid in GET /messages"), external_id: z.string() });

export const SendsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional().describe("the previous page's `next`"),
});

export const SendRow = z.object({
  flow_token: z.string(),
  contact: z.string(),
  urn: z.string(),
  message: z.string(),
  external_id: z.string().nullable(),
  sent_on: z.string(),
  answer: z.record(z.string(), z.unknown()).nullable().describe("the submitted form (response_json), matched by flow_token or context.id"),
  answered_on: z.string().nullable(),
});

export const FormOut = z.object({
  uuid: z.string(),
  channel: z.string(),
  waba_id: z.string(),
  meta_id: z.string().describe("Meta's flow id"),
  name: z.string(),
  categories: z.array(z.string()),
  flow_json: z.record(z.string(), z.unknown()).nullable().describe("null for a form synced from the account"),
  json_version: z.string().nullable(),
  uses_endpoint: z.boolean(),
  status: z.enum(FORM_STATUSES),
  validation_errors: z.array(z.record(z.string(), z.unknown())),
  preview_url: z.string().nullable(),
  history: z.array(z.record(z.string(), z.unknown())).describe("status changes and endpoint alerts, oldest first (the last 100)"),
  health: z.record(z.string(), z.record(z.string(), z.unknown())).describe("the latest endpoint alert of each kind"),
  endpoint_screens: z.record(z.string(), z.record(z.string(), z.unknown())),
  endpoint_url: z.string().describe("Eddy's data endpoint for this form"),
  used_by: z.array(z.object({ uuid: z.string(), name: z.string() })).optional().describe("GET /whatsapp-forms/{uuid} only: the flows whose draft or published version sends the form (send_whatsapp_form)"),
  created_on: z.string(),
  modified_on: z.string(),
});

type Row = typeof whatsappForms.$inferSelect;

const endpointUrl = (origin: string, uuid: string) => `${origin}/channels/whatsapp-forms/${uuid}/endpoint`;

function out(r: Row, origin: string): z.infer<typeof FormOut> {
  return {
    uuid: r.uuid,
    channel: r.channelUuid,
    waba_id: r.wabaId,
    meta_id: r.metaId,
    name: r.name,
    categories: r.categories,
    flow_json: r.flowJson ?? null,
    json_version: r.jsonVersion,
    uses_endpoint: r.usesEndpoint,
    status: r.status,
    validation_errors: r.validationErrors,
    preview_url: r.previewUrl,
    history: r.history,
    health: r.health,
    endpoint_screens: r.endpointScreens,
    endpoint_url: endpointUrl(origin, r.uuid),
    created_on: r.createdOn,
    modified_on: r.modifiedOn,
  };
}

/** Meta's refusals are 422 with its code and message; Meta unreachable or failing is 502. */
async function meta<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (!(e instanceof GraphError)) throw e;
    if (e.status === 0 || e.status >= 500 || e.status === 429) throw new ApiError(502, "whatsapp_unavailable", `${what}: ${e.message}; try again`);
    throw new ApiError(422, "whatsapp_refused", `${what}: WhatsApp refused: ${e.message}${e.code !== undefined ? ` (code ${e.code})` : ""}`);
  }
}

async function channelGraph(c: { env: Cloudflare.Env }, uuid: string, path = "channel"): Promise<{ channel: Channel; graph: Graph; wabaId: string }> {
  const row = await c.env.DB.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE uuid = ?`).bind(uuid).first<Record<string, unknown>>();
  if (!row) throw invalidField(path, `no channel ${uuid}`);
  const channel = await channelFromRow(row);
  try {
    return { channel, ...graphFor(channel) };
  } catch (e) {
    throw invalidField(path, (e as Error).message);
  }
}

async function findForm(db: Database, uuid: string): Promise<Row> {
  const row = await db.select().from(whatsappForms).where(eq(whatsappForms.uuid, uuid)).get();
  if (!row) throw notFound("WhatsApp form", uuid);
  return row;
}

async function nameFree(db: Database, wabaId: string, name: string, path = "name"): Promise<void> {
  const taken = await db.select({ uuid: whatsappForms.uuid }).from(whatsappForms).where(and(eq(whatsappForms.wabaId, wabaId), eq(whatsappForms.name, name))).get();
  if (taken) throw conflict(`${path}: the account already has a WhatsApp form named "${name}" (${taken.uuid})`);
}

const origin = (url: string) => new URL(url).origin;

/**
 * Meta's health_status as one more entry of the form's `health`, read by refresh: its state is
 * can_send_message, its message the entities' errors.
 */
function healthStatus(h: NonNullable<MetaFlow["health_status"]>): Record<string, unknown> {
  const errors = (h.entities ?? []).flatMap((e) => (e.errors ?? []).map((x) => `${e.entity_type ?? "?"}: ${x.error_description ?? "error"}`));
  return { alert_state: h.can_send_message, message: errors.join("; "), entities: h.entities ?? [], at: now() };
}

/** Screens computed by a flow name a published background flow that does not wait: else 400 naming the entry. */
async function screenFlowsValid(d1: D1Database, screens: Record<string, Record<string, unknown>> | undefined): Promise<void> {
  const issues = screens ? await flowScreenIssues(d1, screens) : [];
  if (issues.length) throw invalid(issues);
}
const isDraft = (s: FormStatus) => s === "DRAFT";

export const whatsappFormRoutes = new Hono<ApiEnv>()
  .post("/", describe({ tag, summary: "Create a WhatsApp form (a draft) on the channel's business account, and upload its Flow JSON", status: 201, response: FormOut }), validate("json", FormCreate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    if (body.uses_endpoint && body.flow_json) {
      const issues = endpointIssues(body.flow_json);
      if (issues.length) throw invalid(issues);
    }
    await screenFlowsValid(c.env.DB, body.endpoint_screens);
    const { graph, wabaId } = await channelGraph(c, body.channel);
    await nameFree(db, wabaId, body.name);
    const uuid = crypto.randomUUID();
    const endpoint = body.endpoint_uri ?? (body.uses_endpoint ? endpointUrl(origin(c.req.url), uuid) : undefined);
    const created = await meta("create", () => graph.create({ name: body.name, categories: body.categories, ...(endpoint ? { endpoint_uri: endpoint } : {}) }));
    let errors = created.validation_errors as Record<string, unknown>[];
    if (body.flow_json) {
      const json = body.flow_json;
      try {
        errors = await meta("upload flow.json", () => graph.uploadJson(created.id, json));
      } catch (e) {
        // Nothing is kept of a create whose upload failed: the draft made at Meta goes too.
        await graph.remove(created.id).catch(() => undefined);
        throw e;
      }
    }
    const at = now();
    const [row] = await db
      .insert(whatsappForms)
      .values({
        uuid,
        channelUuid: body.channel,
        wabaId,
        metaId: created.id,
        name: body.name,
        categories: body.categories,
        flowJson: body.flow_json ?? null,
        jsonVersion: body.flow_json?.version ?? null,
        usesEndpoint: body.uses_endpoint,
        status: "DRAFT",
        validationErrors: errors,
        history: [statusEntry("api", null, "DRAFT")],
        endpointScreens: body.endpoint_screens ?? {},
        createdOn: at,
        modifiedOn: at,
      })
      .returning();
    return c.json(out(row, origin(c.req.url)), 201);
  })
  .get("/", describe({ tag, summary: "List WhatsApp forms, by name", response: z.object({ results: z.array(FormOut) }) }), validate("query", z.object({ channel: Uuid.optional() })), async (c) => {
    const { channel } = c.req.valid("query");
    const rows = await c
      .get("db")
      .select()
      .from(whatsappForms)
      .where(channel ? eq(whatsappForms.channelUuid, channel) : undefined)
      .orderBy(asc(whatsappForms.name))
      .limit(1000);
    return c.json({ results: rows.map((r) => out(r, origin(c.req.url))) });
  })
  .post("/sync", describe({ tag, summary: "Bring in the forms of the channel's business account (new ones, and the status, name and validation errors of known ones)", response: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), downloaded: z.number().describe("forms whose Flow JSON was downloaded"), next: z.string().nullable().describe("more remains: send it back as `after`") }) }), validate("json", FormSync), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const { graph, wabaId } = await channelGraph(c, body.channel);
    const budget = new Budget();
    const counts = { created: 0, updated: 0, unchanged: 0, downloaded: 0 };
    let after = body.after;
    let next: string | null = null;
    // Each page: one call to Meta, one read of the forms it names, two calls per Flow JSON to
    // download, one batch of writes (a statement per changed form).
    while (true) {
      if (!budget.fits({ subrequests: 3, queries: LIST_PAGE + 1 })) {
        next = after ?? null;
        break;
      }
      const page = await meta("list forms", () => graph.list(after));
      budget.spend({ subrequests: 1, queries: 0 });
      if (!(await syncPage(db, graph, budget, body.channel, wabaId, page.flows, counts))) {
        // Some Flow JSON did not fit: this page again (its downloaded forms are then left alone).
        next = after ?? "";
        break;
      }
      if (!page.after) break;
      after = page.after;
    }
    return c.json({ ...counts, next });
  })
  .post("/public-key", describe({ tag, summary: "Upload the public key of the channel's flows_private_key to WhatsApp for its phone number (the data endpoint's encryption)", response: z.object({ public_key: z.string(), signature_status: z.string().nullable().describe("Meta's business_public_key_signature_status: VALID or MISMATCH") }) }), validate("json", FormPublicKey), async (c) => {
    const { channel: uuid } = c.req.valid("json");
    const { channel, graph } = await channelGraph(c, uuid);
    const pem = channel.config.flows_private_key;
    if (typeof pem !== "string") throw invalidField("channel", `channel ${uuid} has no config.flows_private_key (docs/whatsapp-forms.md, "Setting up")`);
    let publicKey: string;
    try {
      publicKey = await publicKeyPem(pem);
    } catch {
      throw invalidField("channel", `channel ${uuid}'s flows_private_key is not an RSA private key WebCrypto reads (PKCS#8, unencrypted)`);
    }
    const status = await meta("upload the public key", () => graph.uploadPublicKey(publicKey));
    return c.json({ public_key: publicKey, signature_status: status });
  })
  .get("/:uuid", describe({ tag, summary: "Get a WhatsApp form: status, history, health, validation errors, the flows that send it", response: FormOut }), async (c) => {
    const form = await findForm(c.get("db"), c.req.param("uuid"));
    return c.json({ ...out(form, origin(c.req.url)), used_by: await usedBy(c.env.DB, form.uuid) });
  })
  .patch("/:uuid", describe({ tag, summary: "Change a draft form (name, categories, Flow JSON); a published form never changes: clone it", response: FormOut }), validate("json", FormUpdate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const form = await findForm(db, c.req.param("uuid"));
    const changesMeta = body.name !== undefined || body.categories !== undefined || body.flow_json !== undefined;
    if (changesMeta && !isDraft(form.status)) throw conflict(`WhatsApp form ${form.uuid} is ${form.status}: only a draft changes; clone it into a new draft (POST /whatsapp-forms/${form.uuid}/clone)`);
    if (body.flow_json && form.usesEndpoint) {
      const issues = endpointIssues(body.flow_json);
      if (issues.length) throw invalid(issues);
    }
    if (body.name !== undefined && body.name !== form.name) await nameFree(db, form.wabaId, body.name);
    await screenFlowsValid(c.env.DB, body.endpoint_screens);
    const set: Partial<Row> = { modifiedOn: now() };
    if (changesMeta) {
      const { graph } = await channelGraph(c, form.channelUuid);
      if (body.name !== undefined || body.categories !== undefined) {
        await meta("update", () => graph.update(form.metaId, { ...(body.name !== undefined ? { name: body.name } : {}), ...(body.categories ? { categories: body.categories } : {}) }));
        if (body.name !== undefined) set.name = body.name;
        if (body.categories) set.categories = body.categories;
      }
      if (body.flow_json) {
        const json = body.flow_json;
        set.validationErrors = await meta("upload flow.json", () => graph.uploadJson(form.metaId, json));
        set.flowJson = json;
        set.jsonVersion = json.version;
      }
    }
    if (body.endpoint_screens) set.endpointScreens = body.endpoint_screens;
    const [row] = await db.update(whatsappForms).set(set).where(eq(whatsappForms.uuid, form.uuid)).returning();
    return c.json(out(row, origin(c.req.url)));
  })
  .post("/:uuid/refresh", describe({ tag, summary: "Read the form from WhatsApp: its status, validation errors, preview URL, health_status and (for a draft, or a form without it) its Flow JSON", response: FormOut }), async (c) => {
    const db = c.get("db");
    const form = await findForm(db, c.req.param("uuid"));
    const { graph } = await channelGraph(c, form.channelUuid);
    const flow = await meta("read", () => graph.get(form.metaId));
    // A draft may have been edited at Meta (in its Flow Builder); a published form's JSON never changes.
    const flowJson = isDraft(form.status) || !form.flowJson ? await meta("download the Flow JSON", () => graph.flowJson(form.metaId)) : null;
    const health = flow.health_status ? { health: { ...form.health, HEALTH_STATUS: healthStatus(flow.health_status) } } : {};
    const [row] = await db.update(whatsappForms).set({ ...fromMeta(form, flow, "api"), ...health, ...(flowJson ? { flowJson } : {}), modifiedOn: now() }).where(eq(whatsappForms.uuid, form.uuid)).returning();
    return c.json(out(row, origin(c.req.url)));
  })
  .post("/:uuid/publish", describe({ tag, summary: "Publish a draft form: it can then be sent, and never changes again (cannot be undone)", response: FormOut }), async (c) => {
    const db = c.get("db");
    const form = await findForm(db, c.req.param("uuid"));
    if (!isDraft(form.status)) throw conflict(`WhatsApp form ${form.uuid} is ${form.status}: only a draft is published, and publishing cannot be undone`);
    if (form.validationErrors.length) throw conflict(`WhatsApp form ${form.uuid} has ${form.validationErrors.length} validation error(s) from WhatsApp: fix its Flow JSON first`, form.validationErrors.map((e, i) => ({ path: `validation_errors.${i}`, message: String(e.message ?? e.error ?? "invalid") })));
    const { graph } = await channelGraph(c, form.channelUuid);
    await meta("publish", () => graph.publish(form.metaId));
    return c.json(out(await setStatus(db, form, "PUBLISHED"), origin(c.req.url)));
  })
  .post("/:uuid/deprecate", describe({ tag, summary: "Deprecate a published form: it is no longer sent (cannot be undone)", response: FormOut }), async (c) => {
    const db = c.get("db");
    const form = await findForm(db, c.req.param("uuid"));
    if (isDraft(form.status)) throw conflict(`WhatsApp form ${form.uuid} is a draft: delete it instead`);
    if (form.status === "DEPRECATED") throw conflict(`WhatsApp form ${form.uuid} is already deprecated`);
    const { graph } = await channelGraph(c, form.channelUuid);
    await meta("deprecate", () => graph.deprecate(form.metaId));
    return c.json(out(await setStatus(db, form, "DEPRECATED"), origin(c.req.url)));
  })
  .post("/:uuid/clone", describe({ tag, summary: "Clone a form into a new draft (how a published form is changed)", status: 201, response: FormOut }), validate("json", FormClone), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const form = await findForm(db, c.req.param("uuid"));
    const { graph } = await channelGraph(c, form.channelUuid);
    await nameFree(db, form.wabaId, body.name);
    const created = await meta("clone", () => graph.create({ name: body.name, categories: form.categories, clone_flow_id: form.metaId }));
    const at = now();
    const [row] = await db
      .insert(whatsappForms)
      .values({
        uuid: crypto.randomUUID(),
        channelUuid: form.channelUuid,
        wabaId: form.wabaId,
        metaId: created.id,
        name: body.name,
        categories: form.categories,
        flowJson: form.flowJson,
        jsonVersion: form.jsonVersion,
        usesEndpoint: form.usesEndpoint,
        status: "DRAFT",
        validationErrors: created.validation_errors,
        history: [{ ...statusEntry("api", null, "DRAFT"), cloned_from: form.uuid }],
        endpointScreens: form.endpointScreens,
        createdOn: at,
        modifiedOn: at,
      })
      .returning();
    return c.json(out(row, origin(c.req.url)), 201);
  })
  .post("/:uuid/send", describe({ tag, summary: "Send the form to a contact as an interactive message inside the 24-hour window, or outside it as the given template with a FLOW button (refused for a deprecated or blocked form, held to 10 per hour while throttled)", response: SendOut }), validate("json", FormSend), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const form = await findForm(db, c.req.param("uuid"));
    const d1 = c.env.DB;
    const contact = await d1
      .prepare("SELECT c.status, u.path FROM contacts c LEFT JOIN contact_urns u ON u.contact_uuid = c.uuid AND u.scheme = 'whatsapp' WHERE c.uuid = ? ORDER BY u.priority LIMIT 1")
      .bind(body.contact)
      .first<{ status: string; path: string | null }>();
    if (!contact) throw invalidField("contact", `no contact ${body.contact}`);
    if (!contact.path) throw invalidField("contact", `contact ${body.contact} has no whatsapp URN`);
    if (contact.status !== "active") throw conflict(`contact ${body.contact} is ${contact.status}: nothing is sent to them`);
    const at = Date.now();
    const [sends, inbound] = await d1.batch<{ n?: number; last?: string | null }>([
      d1.prepare("SELECT count(*) AS n FROM whatsapp_form_sends WHERE form_uuid = ? AND sent_on > ?").bind(form.uuid, new Date(at - 3600_000).toISOString()),
      d1.prepare("SELECT max(created_on) AS last FROM messages WHERE contact_uuid = ? AND channel_uuid = ? AND direction = 'in'").bind(body.contact, form.channelUuid),
    ]);
    const last = inbound.results[0]?.last ?? null;
    const refused = refusal(form, body.test, sends.results[0]?.n ?? 0, last, at, !!body.template);
    if (refused) throw new ApiError(refused.status, refused.code, refused.message);

    const { graph } = await channelGraph(c, form.channelUuid);
    const flowToken = `ft_${crypto.randomUUID().replace(/-/g, "")}`;
    const message = inWindow(last, at) || !body.template ? interactiveForm(form.metaId, contact.path!, flowToken, form.usesEndpoint, body) : { to: contact.path!, ...templateForm(flowToken, body.template, body.data) };
    const externalId = await meta("send", () => graph.send(message));
    const messageUuid = crypto.randomUUID();
    const sentOn = new Date(at).toISOString();
    await d1.batch([
      d1
        .prepare("INSERT INTO messages (uuid, contact_uuid, channel_uuid, urn, direction, text, status, external_id, created_on, sent_on, modified_on) VALUES (?, ?, ?, ?, 'out', ?, 'wired', ?, ?, ?, ?)")
        .bind(messageUuid, body.contact, form.channelUuid, `whatsapp:${contact.path}`, body.text, externalId, sentOn, sentOn, sentOn),
      d1.prepare("INSERT INTO whatsapp_form_sends (flow_token, form_uuid, contact_uuid, urn, message_uuid, external_id, sent_on) VALUES (?, ?, ?, ?, ?, ?, ?)").bind(flowToken, form.uuid, body.contact, `whatsapp:${contact.path}`, messageUuid, externalId, sentOn),
    ]);
    return c.json({ flow_token: flowToken, message: messageUuid, external_id: externalId });
  })
  .get("/:uuid/sends", describe({ tag, summary: "The form's sends, newest first, each with its answer once the contact submitted it", response: z.object({ results: z.array(SendRow), next: z.string().nullable() }) }), validate("query", SendsQuery), async (c) => {
    const { limit, cursor } = c.req.valid("query");
    const form = await findForm(c.get("db"), c.req.param("uuid"));
    const [sentOn, token] = cursor ? cursor.split("|") : [];
    const { results } = await c.env.DB.prepare(
      `SELECT flow_token, contact_uuid, urn, message_uuid, external_id, sent_on, answer, answered_on FROM whatsapp_form_sends
       WHERE form_uuid = ?${cursor ? " AND (sent_on, flow_token) < (?, ?)" : ""} ORDER BY sent_on DESC, flow_token DESC LIMIT ?`,
    )
      .bind(form.uuid, ...(cursor ? [sentOn, token ?? ""] : []), limit + 1)
      .all<Record<string, string | null>>();
    const page = results.slice(0, limit);
    const last = page[page.length - 1];
    return c.json({
      results: page.map((r) => ({
        flow_token: r.flow_token!,
        contact: r.contact_uuid!,
        urn: r.urn!,
        message: r.message_uuid!,
        external_id: r.external_id,
        sent_on: r.sent_on!,
        answer: r.answer ? (JSON.parse(r.answer) as Record<string, unknown>) : null,
        answered_on: r.answered_on,
      })),
      next: results.length > limit && last ? `${last.sent_on}|${last.flow_token}` : null,
    });
  })
  .delete("/:uuid", describe({ tag, summary: "Delete a draft form, at WhatsApp too (a published one is deprecated instead)", status: 204, response: null }), async (c) => {
    const db = c.get("db");
    const form = await findForm(db, c.req.param("uuid"));
    if (!isDraft(form.status)) throw conflict(`WhatsApp form ${form.uuid} is ${form.status}: only a draft is deleted; deprecate it instead`);
    const { graph } = await channelGraph(c, form.channelUuid);
    await meta("delete", () => graph.remove(form.metaId));
    await db.delete(whatsappForms).where(eq(whatsappForms.uuid, form.uuid));
    return c.body(null, 204);
  });

async function setStatus(db: Database, form: Row, status: FormStatus): Promise<Row> {
  const [row] = await db
    .update(whatsappForms)
    .set({ status, history: appendHistory(form.history, statusEntry("api", form.status, status)), modifiedOn: now() })
    .where(eq(whatsappForms.uuid, form.uuid))
    .returning();
  return row;
}

/** Meta's status strings; anything else (a status Meta adds later) leaves Eddy's as it is. */
const knownStatus = (s: string): FormStatus | undefined => (FORM_STATUSES as readonly string[]).includes(s.toUpperCase()) ? (s.toUpperCase() as FormStatus) : undefined;

/** What a read from Meta changes on a form. */
function fromMeta(form: Row, flow: MetaFlow, source: "api" | "sync"): Partial<Row> {
  const status = knownStatus(flow.status) ?? form.status;
  return {
    name: flow.name,
    categories: flow.categories,
    validationErrors: flow.validation_errors,
    ...(flow.json_version ? { jsonVersion: flow.json_version } : {}),
    ...(flow.preview ? { previewUrl: flow.preview.preview_url } : {}),
    ...(status !== form.status ? { status, history: appendHistory(form.history, statusEntry(source, form.status, status)) } : {}),
  };
}

/**
 * One page of the account's forms into D1. A form Eddy has no Flow JSON for gets it downloaded
 * while the budget allows (two calls); false when some did not fit.
 */
async function syncPage(db: Database, graph: Graph, budget: Budget, channel: string, wabaId: string, flows: MetaFlow[], counts: { created: number; updated: number; unchanged: number; downloaded: number }): Promise<boolean> {
  if (!flows.length) return true;
  const known = new Map((await db.select().from(whatsappForms).where(inArray(whatsappForms.metaId, flows.map((f) => f.id)))).map((r) => [r.metaId, r]));
  budget.d1();
  const at = now();
  const writes = [];
  // The forms without their Flow JSON, as many as fit (keeping a subrequest and a query per form for the write), fetched together.
  const wanted = flows.filter((f) => !known.get(f.id)?.flowJson);
  const fit: MetaFlow[] = [];
  for (const f of wanted) {
    if (!budget.fits({ subrequests: 2, queries: 0 }, { subrequests: 1, queries: flows.length })) break;
    budget.spend({ subrequests: 2, queries: 0 });
    fit.push(f);
  }
  const jsons = new Map(
    await Promise.all(
      fit.map(async (f) => {
        try {
          return [f.id, await graph.flowJson(f.id)] as const;
        } catch (e) {
          // Not this time: the form stays without its JSON, and the next sync asks again.
          if (e instanceof GraphError) return [f.id, null] as const;
          throw e;
        }
      }),
    ),
  );
  counts.downloaded += [...jsons.values()].filter(Boolean).length;
  for (const flow of flows) {
    const form = known.get(flow.id);
    const flowJson = jsons.get(flow.id) ?? null;
    if (form) {
      const set = { ...fromMeta(form, flow, "sync"), ...(flowJson ? { flowJson } : {}) };
      const same = !flowJson && set.status === undefined && flow.name === form.name && JSON.stringify(flow.categories) === JSON.stringify(form.categories) && JSON.stringify(flow.validation_errors) === JSON.stringify(form.validationErrors);
      if (same) {
        counts.unchanged++;
        continue;
      }
      writes.push(db.update(whatsappForms).set({ ...set, modifiedOn: at }).where(eq(whatsappForms.uuid, form.uuid)));
      counts.updated++;
    } else {
      const status = knownStatus(flow.status) ?? "DRAFT";
      writes.push(
        db.insert(whatsappForms).values({
          uuid: crypto.randomUUID(),
          channelUuid: channel,
          wabaId,
          metaId: flow.id,
          name: flow.name,
          categories: flow.categories,
          flowJson,
          jsonVersion: flow.json_version ?? null,
          usesEndpoint: !!flow.endpoint_uri,
          status,
          validationErrors: flow.validation_errors,
          history: [statusEntry("sync", null, status)],
          createdOn: at,
          modifiedOn: at,
        }),
      );
      counts.created++;
    }
  }
  if (writes.length) {
    await db.batch(writes as unknown as Parameters<Database["batch"]>[0]);
    budget.d1(writes.length);
  }
  return fit.length === wanted.length;
}

/**
 * The flows whose draft or published version has a send_whatsapp_form of this form (its `form.uuid`).
 * The text match comes first so json_tree walks only the definitions that mention the form.
 */
async function usedBy(d1: D1Database, formUuid: string): Promise<{ uuid: string; name: string }[]> {
  const mentions = (column: string) =>
    `(${column} LIKE '%' || ?1 || '%' AND EXISTS (SELECT 1 FROM json_tree(${column}) t WHERE t.key = 'uuid' AND t.value = ?1 AND t.path LIKE '%.form'))`;
  const { results } = await d1
    .prepare(
      `SELECT f.uuid, f.name FROM flows f LEFT JOIN flow_versions v ON v.flow_uuid = f.uuid AND v.version = f.published_version
       WHERE ${mentions("f.draft")} OR ${mentions("v.definition")} ORDER BY f.name LIMIT 100`,
    )
    .bind(formUuid)
    .all<{ uuid: string; name: string }>();
  return results;
}
