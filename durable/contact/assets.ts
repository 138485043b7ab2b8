import type { EnvironmentJSON, SessionAssets } from "../engine";
import { CHANNEL_COLUMNS, channelFromRow, channelsFromRows } from "../../worker/channels/stored";
// Where the webhooks route imports them from.
export { CHANNEL_COLUMNS, channelFromRow };
import type { Channel, ChannelType } from "../../worker/channels/types";
import type { EventCondition } from "../engine/flow/schema";
import { engineEnvironment, type WorkspaceEnvironment } from "./environment";
import { groupCondition, type GroupCondition } from "./trigger-groups";
import type { DateRelativeParams } from "../../worker/triggers/date-relative";
import type { DeliveryWindow, EntryRules, EntryWindow } from "./settings";

/** A published flow as the contact object needs it: its newest version and its settings. */
export interface FlowInfo {
  uuid: string;
  name: string;
  type: "messaging" | "messaging_background" | "messaging_offline";
  status: string;
  version: number;
  ignoreKeywords: boolean;
  /** Flow settings (docs/flow-settings.md); null when not set. */
  entryRules: EntryRules | null;
  entryWindow: EntryWindow | null;
  deliveryWindow: DeliveryWindow | null;
  /** The goal's event name (docs/journeys.md, "Goal"); null when the flow has none. */
  goal: string | null;
  definition: Record<string, unknown>;
}

export interface KeywordTrigger extends GroupCondition {
  flowUuid: string;
  channelUuid: string | null;
  keywords: string[];
  matchType: "first_word" | "only_word";
}

export interface CatchAllTrigger extends GroupCondition {
  flowUuid: string;
  channelUuid: string | null;
}

/** Event and joined-group triggers (docs/triggers.md). */
export interface EventTrigger {
  flowUuid: string;
  event: string;
  /** Conditions on the event's properties, all of which must hold (none: every event of the name). */
  conditions: EventCondition[];
}

export interface GroupTrigger {
  flowUuid: string;
  groupUuid: string;
}

/** A date-relative trigger (date-triggers.ts); `stamp` changes when it is edited, which makes its planned timers stale. */
export interface DateTrigger {
  uuid: string;
  flowUuid: string;
  stamp: string;
  params: DateRelativeParams;
}

type FieldType = NonNullable<SessionAssets["fields"]>[number]["type"];

/** Everything a sprint reads from D1 besides the contact, loaded together and shared by every contact object in the isolate. */
export interface Assets {
  stamp: string;
  loadedAt: number;
  flows: Map<string, FlowInfo>;
  keywords: KeywordTrigger[];
  catchAlls: CatchAllTrigger[];
  newConversations: CatchAllTrigger[];
  eventTriggers: EventTrigger[];
  groupTriggers: GroupTrigger[];
  dateTriggers: DateTrigger[];
  fieldTypes: Map<string, FieldType>;
  channels: Map<string, Channel>;
  /** The engine's view: newest published versions. */
  engine: SessionAssets;
  /** The workspace environment (GET /environment) sessions start with; null: goflow's defaults. */
  environment: EnvironmentJSON | null;
}

/** The URN schemes a channel sends to (goflow picks a channel for a URN by scheme). */
export function channelSchemes(c: Pick<Channel, "type" | "config">): string[] {
  const byType: Record<ChannelType, string> = {
    twilio: "tel",
    twilio_whatsapp: "whatsapp",
    whatsapp_cloud: "whatsapp",
    telegram: "telegram",
    vonage: c.config.channel === "whatsapp" ? "whatsapp" : "tel",
    generic: typeof c.config.urn_scheme === "string" ? c.config.urn_scheme : "ext",
    email: "mailto",
  };
  return [byType[c.type] ?? "ext"];
}

/**
 * One query's worth of "has anything changed": it runs in the same D1 batch as the contact's own
 * rows, so the cache is never stale and costs no extra round trip. Each count and max is its own
 * subquery so SQLite answers it from an index (flows_modified for the flows, whose rows are large).
 */
export const STAMP_SQL = `SELECT
  (SELECT count(*) FROM flows) || '/' || coalesce((SELECT max(modified_on) FROM flows), '') || '|' ||
  (SELECT count(*) FROM triggers) || '/' || coalesce((SELECT max(modified_on) FROM triggers), '') || '|' ||
  (SELECT count(*) FROM fields) || '/' || coalesce((SELECT max(created_on) FROM fields), '') || '|' ||
  (SELECT count(*) FROM groups) || '/' || coalesce((SELECT max(created_on) FROM groups), '') || '/' || coalesce((SELECT max(modified_on) FROM groups), '') || '|' ||
  (SELECT count(*) FROM channels) || '/' || coalesce((SELECT max(modified_on) FROM channels), '') || '|' ||
  coalesce((SELECT modified_on FROM environment WHERE id = 1), '') AS stamp`;

/** Even with an unchanged stamp, reload this often (a field renamed in place doesn't move the stamp). */
const MAX_AGE_MS = 60_000;

let cached: Assets | undefined;
let loading: Promise<Assets> | undefined;

/** The assets for this stamp: the cached ones if the stamp matches, else loaded once for every caller. */
export async function assetsFor(db: D1Database, stamp: string, now: number): Promise<Assets> {
  if (cached && cached.stamp === stamp && now - cached.loadedAt < MAX_AGE_MS) return cached;
  loading ??= load(db, stamp, now).finally(() => (loading = undefined));
  const loaded = await loading;
  if (loaded.stamp !== stamp) return load(db, stamp, now);
  cached = loaded;
  return loaded;
}

/** The assets without a contact read (alarms, sends): one query for the stamp. */
export async function currentAssets(db: D1Database, now: number): Promise<Assets> {
  const row = await db.prepare(STAMP_SQL).first<{ stamp: string }>();
  return assetsFor(db, row?.stamp ?? "", now);
}

async function load(db: D1Database, stamp: string, now: number): Promise<Assets> {
  const [flowRows, triggerRows, fieldRows, groupRows, channelRows, environmentRows] = await db.batch([
    db.prepare(
      `SELECT f.uuid, f.name, f.type, f.status, f.ignore_keywords, f.entry_rules, f.entry_window, f.delivery_window, f.goal, f.published_version, v.definition
       FROM flows f JOIN flow_versions v ON v.flow_uuid = f.uuid AND v.version = f.published_version
       WHERE f.published_version IS NOT NULL`,
    ),
    db.prepare(
      "SELECT uuid, type, flow_uuid, channel_uuid, keywords, match_type, event, group_uuid, params, modified_on FROM triggers WHERE type IN ('keyword', 'catch_all', 'new_conversation', 'event', 'joined_group', 'date_relative') ORDER BY created_on",
    ),
    db.prepare("SELECT key, name, type FROM fields"),
    db.prepare("SELECT uuid, name, query FROM groups"),
    db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels`),
    db.prepare("SELECT date_format, time_format, timezone, default_country, allowed_languages, redaction_policy FROM environment WHERE id = 1"),
  ]);

  const flows = new Map<string, FlowInfo>();
  for (const r of flowRows.results as Record<string, any>[]) {
    flows.set(r.uuid, {
      uuid: r.uuid,
      name: r.name,
      type: r.type,
      status: r.status,
      version: r.published_version,
      ignoreKeywords: !!r.ignore_keywords,
      entryRules: r.entry_rules ? JSON.parse(r.entry_rules) : null,
      entryWindow: r.entry_window ? JSON.parse(r.entry_window) : null,
      deliveryWindow: r.delivery_window ? JSON.parse(r.delivery_window) : null,
      goal: r.goal ? ((JSON.parse(r.goal) as { event?: string }).event ?? null) : null,
      definition: publishedDefinition(r.uuid, r.published_version, r.definition),
    });
  }
  const keywords: KeywordTrigger[] = [];
  const catchAlls: CatchAllTrigger[] = [];
  const newConversations: CatchAllTrigger[] = [];
  const eventTriggers: EventTrigger[] = [];
  const groupTriggers: GroupTrigger[] = [];
  const dateTriggers: DateTrigger[] = [];
  for (const r of triggerRows.results as Record<string, any>[]) {
    if (r.type === "keyword") keywords.push({ flowUuid: r.flow_uuid, channelUuid: r.channel_uuid, keywords: JSON.parse(r.keywords ?? "[]"), matchType: r.match_type ?? "first_word", ...groupCondition(r.params) });
    else if (r.type === "catch_all") catchAlls.push({ flowUuid: r.flow_uuid, channelUuid: r.channel_uuid, ...groupCondition(r.params) });
    else if (r.type === "new_conversation") newConversations.push({ flowUuid: r.flow_uuid, channelUuid: r.channel_uuid, ...groupCondition(r.params) });
    else if (r.type === "event" && r.event) eventTriggers.push({ flowUuid: r.flow_uuid, event: r.event, conditions: r.params ? (JSON.parse(r.params).conditions ?? []) : [] });
    else if (r.type === "joined_group" && r.group_uuid) groupTriggers.push({ flowUuid: r.flow_uuid, groupUuid: r.group_uuid });
    else if (r.type === "date_relative" && r.params) dateTriggers.push({ uuid: r.uuid, flowUuid: r.flow_uuid, stamp: r.modified_on, params: JSON.parse(r.params) });
  }
  const fields = (fieldRows.results as { key: string; name: string; type: FieldType }[]).map((f) => ({ key: f.key, name: f.name, type: f.type }));
  const groups = (groupRows.results as { uuid: string; name: string; query: string | null }[]).map((g) => ({ uuid: g.uuid, name: g.name, ...(g.query ? { query: g.query } : {}) }));
  const channels = await channelsFromRows(channelRows.results as Record<string, any>[]);
  return {
    stamp,
    loadedAt: now,
    environment: environmentOf(environmentRows.results[0] as Record<string, string | null> | undefined),
    flows,
    keywords,
    catchAlls,
    newConversations,
    eventTriggers,
    groupTriggers,
    dateTriggers,
    fieldTypes: new Map(fields.map((f) => [f.key, f.type])),
    channels,
    engine: {
      flows: [...flows.values()].map((f) => f.definition),
      fields,
      groups,
      channels: [...channels.values()].map((c) => ({ uuid: c.uuid, name: c.name, address: c.address, schemes: channelSchemes(c), roles: ["send", "receive"] })),
    },
  };
}

/** The environment row as goflow's environment JSON. */
function environmentOf(r: Record<string, string | null> | undefined): EnvironmentJSON | null {
  if (!r) return null;
  return engineEnvironment({ ...(r as unknown as WorkspaceEnvironment), allowed_languages: JSON.parse(r.allowed_languages ?? "[]") as string[] });
}

/** Published versions are immutable: kept once read. */
const versions = new Map<string, Record<string, unknown>>();
const MAX_VERSIONS = 200;

/**
 * A published version's definition, the same object every time the assets are reloaded (a stamp
 * change, the 60 s refresh): the engine keeps the loaded (migrated and validated) flow by its
 * definition object, so a reload doesn't make it load every flow again.
 */
function publishedDefinition(flowUuid: string, version: number, json: string): Record<string, unknown> {
  return versions.get(`${flowUuid}@${version}`) ?? keepVersion(flowUuid, version, json);
}

async function versionDefinition(db: D1Database, flowUuid: string, version: number): Promise<Record<string, unknown> | undefined> {
  const hit = versions.get(`${flowUuid}@${version}`);
  if (hit) return hit;
  const row = await db.prepare("SELECT definition FROM flow_versions WHERE flow_uuid = ? AND version = ?").bind(flowUuid, version).first<{ definition: string }>();
  return row ? keepVersion(flowUuid, version, row.definition) : undefined;
}

function keepVersion(flowUuid: string, version: number, json: string): Record<string, unknown> {
  const def = JSON.parse(json) as Record<string, unknown>;
  if (versions.size >= MAX_VERSIONS) versions.delete(versions.keys().next().value!);
  versions.set(`${flowUuid}@${version}`, def);
  return def;
}

/**
 * The engine's assets for a session whose runs are pinned to older versions: those flows are
 * swapped for the version the session entered, so contacts finish where they started.
 */
export async function pinnedAssets(db: D1Database, assets: Assets, pins: Record<string, number>): Promise<SessionAssets> {
  const older = Object.entries(pins).filter(([uuid, v]) => assets.flows.get(uuid)?.version !== v);
  if (!older.length) return assets.engine;
  const swapped = new Map<string, Record<string, unknown>>();
  for (const [uuid, v] of older) {
    const def = await versionDefinition(db, uuid, v);
    if (def) swapped.set(uuid, def);
  }
  return { ...assets.engine, flows: assets.engine.flows.map((f) => swapped.get((f as { uuid: string }).uuid) ?? f) };
}
