import { eq, inArray } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { z } from "zod";
import { SPEC_VERSION } from "../../durable/engine/flow/schema";
import type { Database } from "../db";
import { chunkRows } from "../db";
import { channels, fields as fieldsTable, flows, groups, triggers } from "../db/schema";
import type { DateRelativeParams } from "../triggers/date-relative";
import { groupsOverlap } from "../triggers/keyword-claims";
import { derivedUuid } from "../uuid";

/**
 * An export's entry points (docs/triggers.md, "Imports"): RapidPro/TextIt `triggers` become keyword,
 * catch-all and new-conversation triggers, `campaigns` become date-relative triggers (an event that
 * sends a message gets a one-node background flow of its own), and Glific's flow `keywords` become
 * keyword triggers. Whatever can't be carried over is reported item by item, never dropped.
 */

export const ImportedTrigger = z.object({
  uuid: z.string(),
  type: z.enum(["keyword", "catch_all", "new_conversation", "date_relative"]),
  flow: z.string(),
  from: z.string().describe("the export's item: triggers.0, campaigns.1.events.2, flows.0.keywords"),
  created: z.boolean().describe("false: the same trigger was here already (a second import)"),
});
export const NotImported = z.object({
  part: z.enum(["campaigns", "triggers"]),
  item: z.string().describe("the export's item, as in `from`"),
  reason: z.string(),
});
type Imported = z.infer<typeof ImportedTrigger>;
type Skipped = z.infer<typeof NotImported>;

/** A flow an import makes for a campaign event that sends a message, to be published like the others. */
export type GeneratedFlow = { uuid: string; name: string; created: boolean };

export type EntryPoints = {
  statements: BatchItem<"sqlite">[];
  triggers: Imported[];
  notImported: Skipped[];
  generated: GeneratedFlow[];
  /** Date-relative triggers written: their contacts are planned once the batch has landed. */
  plans: { uuid: string; stamp: string; field: string }[];
};

/** What the import knows besides the export: the flows, fields and groups there will be once it lands. */
export type Known = { flows: Set<string>; fieldTypes: Map<string, string>; groups: Set<string> };

const Ref = z.looseObject({ uuid: z.string().optional(), name: z.string().optional() });
const RapidTrigger = z.looseObject({
  trigger_type: z.string(),
  flow: Ref.nullish(),
  keywords: z.array(z.string()).nullish(),
  keyword: z.string().nullish(),
  match_type: z.string().nullish(),
  groups: z.array(Ref).nullish(),
  exclude_groups: z.array(Ref).nullish(),
  channel: z.union([z.string(), Ref]).nullish(),
});
const CampaignEvent = z.looseObject({
  uuid: z.string().optional(),
  offset: z.number().int(),
  unit: z.string(),
  event_type: z.string(),
  delivery_hour: z.number().int().nullish(),
  relative_to: z.looseObject({ key: z.string(), label: z.string().optional() }),
  start_mode: z.string().nullish(),
  flow: Ref.nullish(),
  message: z.union([z.record(z.string(), z.string()), z.string()]).nullish(),
  base_language: z.string().nullish(),
});
const Campaign = z.looseObject({ uuid: z.string().optional(), name: z.string().optional(), group: Ref.nullish(), events: z.array(z.unknown()).default([]) });

/** RapidPro's trigger types Eddy has no counterpart for, and why. */
const UNMAPPED: Record<string, string> = {
  M: "a missed-call trigger: Eddy has no voice channels",
  V: "an inbound-call trigger: Eddy has no voice channels",
  R: "a referral trigger (Facebook): Eddy has no Facebook channel",
  T: "a closed-ticket trigger: Eddy has no tickets to close",
  I: "an opt-in trigger: Eddy has no opt-ins",
  O: "an opt-out trigger: Eddy has no opt-ins",
  S: "a schedule trigger: make it a schedule (POST /api/v1/schedules)",
};
const TYPES: Record<string, Imported["type"]> = { K: "keyword", C: "catch_all", N: "new_conversation" };
const UNITS: Record<string, { unit: "minutes" | "hours" | "days"; times: number }> = {
  M: { unit: "minutes", times: 1 },
  H: { unit: "hours", times: 1 },
  D: { unit: "days", times: 1 },
  W: { unit: "days", times: 7 },
};

const keywordOf = (k: string) => k.trim().toLowerCase();
const validKeyword = (k: string) => k.length > 0 && k.length <= 32 && !/\s/u.test(k);
const refUuid = (r: unknown) => (typeof r === "string" ? r : (r as { uuid?: string } | null | undefined)?.uuid)?.toLowerCase();

export async function importEntryPoints(db: Database, raw: { flows?: unknown[]; groups?: unknown[]; triggers?: unknown[]; campaigns?: unknown[] }, known: Known, at: string): Promise<EntryPoints> {
  const out: EntryPoints = { statements: [], triggers: [], notImported: [], generated: [], plans: [] };
  const skip = (part: Skipped["part"], item: string, reason: string) => out.notImported.push({ part, item, reason });

  const existing = await db.select().from(triggers);
  const smartGroups = new Set([
    ...(await db.select({ uuid: groups.uuid, query: groups.query }).from(groups)).filter((g) => g.query).map((g) => g.uuid),
    ...(raw.groups ?? []).flatMap((g) => {
      const r = g as { uuid?: string; query?: string | null } | null;
      return r?.query && r.uuid ? [r.uuid.toLowerCase()] : [];
    }),
  ]);
  const channelUuids = new Set((await db.select({ uuid: channels.uuid }).from(channels)).map((c) => c.uuid));
  // Flows the export's triggers name that are neither in it nor here yet: looked up once.
  const named = [...(raw.triggers ?? []), ...(raw.campaigns ?? []).flatMap((c) => (Campaign.safeParse(c).data?.events ?? []))]
    .map((t) => refUuid((t as { flow?: unknown } | null)?.flow))
    .filter((u): u is string => !!u && !known.flows.has(u));
  for (const chunk of chunkRows([...new Set(named)], 1)) for (const f of await db.select({ uuid: flows.uuid }).from(flows).where(inArray(flows.uuid, chunk))) known.flows.add(f.uuid);

  /** A keyword, catch-all or new-conversation trigger, unless the same one is here or it collides with one that is. */
  const addMessageTrigger = (
    part: Skipped["part"],
    item: string,
    t: { type: Imported["type"]; flow: string; channel: string | null; keywords?: string[]; matchType?: "first_word" | "only_word"; params?: Record<string, string[]> | null },
  ) => {
    const same = (o: (typeof existing)[number]) => o.flowUuid === t.flow && o.channelUuid === t.channel && JSON.stringify(o.params ?? null) === JSON.stringify(t.params ?? null);
    const overlaps = (o: (typeof existing)[number]) => o.type === t.type && (o.channelUuid === null || t.channel === null || o.channelUuid === t.channel);
    if (t.type === "keyword") {
      const fresh: string[] = [];
      for (const k of t.keywords!) {
        const other = existing.find((o) => overlaps(o) && o.keywords?.includes(k) && groupsOverlap(o.params as { groups?: string[] } | null, t.params));
        if (!other) fresh.push(k);
        else if (!same(other)) skip(part, item, `keyword "${k}" already starts a flow through trigger ${other.uuid}`);
        else if (!out.triggers.some((o) => o.uuid === other.uuid && o.from === item)) out.triggers.push({ uuid: other.uuid, type: "keyword", flow: t.flow, from: item, created: false });
      }
      if (!fresh.length) return;
      t.keywords = fresh;
    } else {
      const other = existing.find((o) => overlaps(o) && groupsOverlap(o.params as { groups?: string[] } | null, t.params));
      if (other) {
        if (same(other)) out.triggers.push({ uuid: other.uuid, type: t.type, flow: t.flow, from: item, created: false });
        else skip(part, item, `there is already a ${t.type} trigger for ${t.channel ? `channel ${t.channel}` : "every channel"}: ${other.uuid}`);
        return;
      }
    }
    const row = {
      uuid: crypto.randomUUID(),
      type: t.type,
      flowUuid: t.flow,
      channelUuid: t.channel,
      keywords: t.type === "keyword" ? t.keywords! : null,
      matchType: t.type === "keyword" ? t.matchType! : null,
      event: null,
      groupUuid: null,
      params: t.params ?? null,
      createdOn: at,
      modifiedOn: at,
    };
    existing.push(row);
    out.statements.push(db.insert(triggers).values(row));
    out.triggers.push({ uuid: row.uuid, type: t.type, flow: t.flow, from: item, created: true });
  };

  (raw.triggers ?? []).forEach((value, i) => {
    const item = `triggers.${i}`;
    const parsed = RapidTrigger.safeParse(value);
    if (!parsed.success) return skip("triggers", item, `not a trigger Eddy can read: ${parsed.error.issues[0].path.join(".")} ${parsed.error.issues[0].message}`);
    const t = parsed.data;
    const type = TYPES[t.trigger_type];
    if (!type) return skip("triggers", item, UNMAPPED[t.trigger_type] ?? `trigger type ${t.trigger_type} is unknown to Eddy`);
    const flow = refUuid(t.flow);
    if (!flow || !known.flows.has(flow)) return skip("triggers", item, `its flow ${t.flow?.name ?? flow ?? ""} is neither in the export nor here`);
    // Imported without its group conditions it would start the flow for everyone: all or nothing.
    const include = (t.groups ?? []).map(refUuid);
    const exclude = (t.exclude_groups ?? []).map(refUuid);
    const refs = [...include, ...exclude];
    const missing = refs.findIndex((g) => !g || !known.groups.has(g));
    if (missing >= 0) return skip("triggers", item, `its group ${refs[missing] ?? "(no UUID)"} (groups / exclude_groups) is neither in the export nor here`);
    const smart = refs.find((g) => smartGroups.has(g!));
    if (smart) return skip("triggers", item, `its group ${smart} is a smart group: a trigger's groups are manual groups in Eddy`);
    const groupParams = include.length || exclude.length ? { ...(include.length ? { groups: include as string[] } : {}), ...(exclude.length ? { exclude_groups: exclude as string[] } : {}) } : null;
    const channel = refUuid(t.channel) ?? null;
    if (channel && !channelUuids.has(channel)) return skip("triggers", item, `its channel ${channel} is not here: add the channel, then the trigger (POST /api/v1/triggers)`);
    if (type !== "keyword") return addMessageTrigger("triggers", item, { type, flow, channel, params: groupParams });
    const keywords = [...new Set([...(t.keywords ?? []), ...(t.keyword ? [t.keyword] : [])].map(keywordOf))];
    const bad = keywords.filter((k) => !validKeyword(k));
    if (!keywords.length || bad.length) return skip("triggers", item, bad.length ? `keyword "${bad[0]}" is not one word of at most 32 characters` : "it has no keywords");
    addMessageTrigger("triggers", item, { type, flow, channel, keywords, matchType: t.match_type === "O" ? "only_word" : "first_word", params: groupParams });
  });

  // Glific: a flow's keywords start it when the message is the keyword.
  (raw.flows ?? []).forEach((f, i) => {
    const { keywords, definition } = (f ?? {}) as { keywords?: unknown; definition?: { uuid?: string } };
    if (!Array.isArray(keywords) || !keywords.length) return;
    const item = `flows.${i}.keywords`;
    const flow = definition?.uuid?.toLowerCase();
    const list = [...new Set(keywords.map((k) => keywordOf(String(k))))];
    const bad = list.filter((k) => !validKeyword(k));
    if (!flow || !known.flows.has(flow)) return skip("triggers", item, "its flow was not imported");
    if (bad.length) return skip("triggers", item, `keyword "${bad[0]}" is not one word of at most 32 characters`);
    addMessageTrigger("triggers", item, { type: "keyword", flow, channel: null, keywords: list, matchType: "only_word" });
  });

  for (const [ci, value] of (raw.campaigns ?? []).entries()) {
    const parsed = Campaign.safeParse(value);
    if (!parsed.success) {
      skip("campaigns", `campaigns.${ci}`, "not a campaign Eddy can read");
      continue;
    }
    const campaign = parsed.data;
    const group = refUuid(campaign.group);
    if (!campaign.events.length) skip("campaigns", `campaigns.${ci}`, "it has no events");
    for (const [ei, ev] of campaign.events.entries()) {
      const item = `campaigns.${ci}.events.${ei}`;
      const e = CampaignEvent.safeParse(ev);
      if (!e.success) {
        skip("campaigns", item, `not a campaign event Eddy can read: ${e.error.issues[0].path.join(".")} ${e.error.issues[0].message}`);
        continue;
      }
      const reason = await campaignEvent(e.data, item, { campaign: campaign.name ?? "Campaign", group });
      if (reason) skip("campaigns", item, reason);
    }
  }
  return out;

  /** One campaign event as a date-relative trigger; returns why not when it can't be. */
  async function campaignEvent(e: z.infer<typeof CampaignEvent>, item: string, c: { campaign: string; group: string | undefined }): Promise<string | null> {
    const key = e.relative_to.key;
    const type = known.fieldTypes.get(key);
    if (!type) return `it is relative to ${key}, which is not a contact field here (Eddy's date-relative triggers read date fields, not created_on or last_seen_on)`;
    if (type !== "datetime") return `it is relative to ${key}, a ${type} field: Eddy's date-relative triggers read datetime fields`;
    if (!c.group) return "its campaign has no group";
    if (!known.groups.has(c.group)) return `its campaign's group ${c.group} is neither in the export nor here`;
    if (smartGroups.has(c.group)) return `its campaign's group ${c.group} is a smart group: a date-relative trigger's group is a manual group in Eddy`;
    const unit = UNITS[e.unit];
    if (!unit) return `unit ${e.unit} is unknown (RapidPro's are M, H, D and W)`;
    let flow: string;
    let interrupt = e.start_mode !== "S";
    if (e.event_type === "F") {
      const f = refUuid(e.flow);
      if (!f || !known.flows.has(f)) return `its flow ${e.flow?.name ?? f ?? ""} is neither in the export nor here`;
      flow = f;
    } else if (e.event_type === "M") {
      const made = await messageFlow(e, item, c.campaign);
      if (typeof made !== "string") return made.error;
      flow = made;
      // A background flow never interrupts: RapidPro's passive mode, and the message goes out either way.
      interrupt = true;
    } else return `event type ${e.event_type} is unknown (RapidPro's are F, a flow, and M, a message)`;

    const amount = Math.abs(e.offset) * unit.times;
    // RapidPro's delivery hour applies to days and weeks; -1 keeps the field's own time.
    const hour = (e.unit === "D" || e.unit === "W") && e.delivery_hour !== null && e.delivery_hour !== undefined && e.delivery_hour >= 0 ? e.delivery_hour : null;
    const params: DateRelativeParams = {
      field: key,
      relative: e.offset < 0 ? "before" : e.offset > 0 ? "after" : "on",
      ...(e.offset !== 0 ? { amount, unit: unit.unit } : {}),
      ...(hour !== null ? { time: `${String(hour).padStart(2, "0")}:00` } : {}),
      group: c.group,
      ...(interrupt ? {} : { interrupt: false }),
    };
    // The same event imported again updates its trigger instead of adding one.
    const uuid = await derivedUuid(`campaign-event:${e.uuid ?? item}`);
    const had = existing.find((o) => o.uuid === uuid);
    const row = { uuid, type: "date_relative" as const, flowUuid: flow, channelUuid: null, keywords: null, matchType: null, event: null, groupUuid: null, params, createdOn: at, modifiedOn: at };
    out.statements.push(db.insert(triggers).values(row).onConflictDoUpdate({ target: triggers.uuid, set: { flowUuid: flow, params, modifiedOn: at } }));
    out.triggers.push({ uuid, type: "date_relative", flow, from: item, created: !had });
    out.plans.push({ uuid, stamp: at, field: key });
    return null;
  }

  /** A campaign event's message as a one-node background flow (the same UUID on every import of the event). */
  async function messageFlow(e: z.infer<typeof CampaignEvent>, item: string, campaign: string): Promise<string | { error: string }> {
    const texts = typeof e.message === "string" ? { [e.base_language ?? "eng"]: e.message } : (e.message ?? {});
    const base = e.base_language && texts[e.base_language] ? e.base_language : Object.keys(texts)[0];
    if (!base || !texts[base]?.trim()) return "it sends a message, but the message is empty";
    const uuid = await derivedUuid(`campaign-message:${e.uuid ?? item}`);
    const action = await derivedUuid(`campaign-message-action:${uuid}`);
    const node = await derivedUuid(`campaign-message-node:${uuid}`);
    const exit = await derivedUuid(`campaign-message-exit:${uuid}`);
    const when = e.offset === 0 ? "on" : `${Math.abs(e.offset)}${e.unit} ${e.offset < 0 ? "before" : "after"}`;
    const name = `${campaign}: ${when} ${e.relative_to.label ?? e.relative_to.key}`.slice(0, 64);
    const localization = Object.fromEntries(Object.entries(texts).filter(([lang, text]) => lang !== base && text.trim()).map(([lang, text]) => [lang, { [action]: { text: [text] } }]));
    const draft = {
      uuid,
      name,
      spec_version: SPEC_VERSION,
      language: base === "base" ? "und" : base,
      type: "messaging_background",
      revision: 1,
      expire_after_minutes: 0,
      nodes: [{ uuid: node, actions: [{ uuid: action, type: "send_msg", text: texts[base] }], exits: [{ uuid: exit }] }],
      ...(Object.keys(localization).length ? { localization } : {}),
    };
    const had = await db.select({ uuid: flows.uuid }).from(flows).where(eq(flows.uuid, uuid)).get();
    if (!had) out.statements.push(db.insert(flows).values({ uuid, name, type: "messaging_background", draft, draftRevision: 1, createdOn: at, modifiedOn: at }));
    out.generated.push({ uuid, name, created: !had });
    known.flows.add(uuid);
    return uuid;
  }
}

/** The field types and group UUIDs there are now, for `Known`. */
export async function knownAssets(db: Database): Promise<{ fieldTypes: Map<string, string>; groups: Set<string> }> {
  const [fieldRows, groupRows] = await Promise.all([db.select({ key: fieldsTable.key, type: fieldsTable.type }).from(fieldsTable), db.select({ uuid: groups.uuid }).from(groups)]);
  return { fieldTypes: new Map(fieldRows.map((f) => [f.key, f.type])), groups: new Set(groupRows.map((g) => g.uuid)) };
}
