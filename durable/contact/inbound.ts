import { EngineError, type ContactJSON, type MsgIn } from "../engine";
import type { Assets, CatchAllTrigger, FlowInfo, KeywordTrigger } from "./assets";
import { loadWorld } from "./contact";
import { iso, type Ctx } from "./context";
import { ended } from "./effects";
import { commit, resumeSession, startFlow, type Outcome, type TriggerPart } from "./sprints";
import * as entries from "./storage/entries";
import * as inbox from "./storage/inbox";
import type { Statement } from "./storage/journal";
import * as sessions from "./storage/sessions";
import { admits } from "./trigger-groups";
import { isJourneyWait, waitingRun } from "./waits";
import { seenOn } from "./profile-edit";

/** The message's words as keywords are matched: lower case, split on anything but letters and digits. */
function words(text: string): string[] {
  return text.toLowerCase().normalize("NFKC").split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
}

/**
 * A keyword trigger for this message, among those that admit the contact: one for its channel wins
 * over one for every channel, then one for the contact's groups over one without groups (a keyword
 * may be shared by triggers for different groups, docs/triggers.md).
 */
export function matchKeyword(text: string, channelUuid: string, triggers: KeywordTrigger[]): { trigger: KeywordTrigger; keyword: string } | undefined {
  const w = words(text);
  if (!w.length) return undefined;
  const matches = (t: KeywordTrigger) => t.keywords.includes(w[0]) && (t.matchType === "first_word" || w.length === 1);
  const best = (channel: string | null) => {
    const found = triggers.filter((t) => t.channelUuid === channel && matches(t));
    return found.find((t) => t.groups.length) ?? found[0];
  };
  const trigger = best(channelUuid) ?? best(null);
  return trigger && { trigger, keyword: w[0] };
}

/** A catch-all or new-conversation trigger: the channel's, else any channel's; one for the contact's groups before one without. */
function catchAll(channelUuid: string, triggers: CatchAllTrigger[]): CatchAllTrigger | undefined {
  const best = (channel: string | null) => {
    const found = triggers.filter((t) => t.channelUuid === channel);
    return found.find((t) => t.groups.length) ?? found[0];
  };
  return best(channelUuid) ?? best(null);
}

const activeFlow = (assets: Assets, uuid: string) => {
  const flow = assets.flows.get(uuid);
  return flow?.status === "active" ? flow : undefined;
};

/**
 * Handles the oldest pending inbox row, as SPEC §4 orders it (docs/triggers.md): a keyword trigger
 * (unless the waiting flow ignores keywords) starts its flow; else the waiting messaging session
 * resumes (one paused at a journey's wait only logs the message); else, on the contact's first message on this channel, a new-conversation trigger starts
 * its flow; else a catch-all trigger does; else the message is only logged. A trigger whose flow's
 * entry rules refuse the contact counts as no match: the next rule applies. A message never
 * reaches a background session. Idempotent: the row is marked done in the same transaction that
 * stores what it caused. Returns the assets and contact it read, for sending the replies.
 */
export async function handleInbound(ctx: Ctx, row: inbox.InboxRow): Promise<{ assets: Assets; contact: ContactJSON | null }> {
  const { assets, contact } = await loadWorld(ctx);
  if (!contact) {
    inbox.markDone(ctx.sql, row.id, "dropped");
    return { assets, contact };
  }
  if (row.contact_name && !contact.name) contact.name = row.contact_name;
  const world = { assets, contact };
  const urn = row.urn;
  const channel = assets.channels.get(row.channel_uuid);
  const msg: MsgIn = {
    uuid: row.uuid,
    urn,
    channel: channel ? { uuid: channel.uuid, name: channel.name } : null,
    text: row.text,
    attachments: JSON.parse(row.attachments) as string[],
    ...(row.external_key ? { external_id: row.external_key.slice(row.channel_uuid.length + 1) } : {}),
    ...(row.form ? { form: JSON.parse(row.form) as Record<string, unknown> } : {}),
  };

  const current = sessions.messaging(ctx.sql);
  const waitingFlow = current ? waitingRun(current.session)?.flow.uuid : undefined;
  const ignoreKeywords = waitingFlow ? (assets.flows.get(waitingFlow)?.ignoreKeywords ?? false) : false;
  const keyword = ignoreKeywords || contact.status === "blocked" ? undefined : matchKeyword(row.text, row.channel_uuid, assets.keywords.filter((t) => admits(t, contact)));
  const keywordFlow = keyword && activeFlow(assets, keyword.trigger.flowUuid);

  const newConversation = !entries.hasConversation(ctx.sql, row.channel_uuid);
  let outcomes: Outcome[] = [];
  let handledBy: { flow: string; run?: string } | undefined;
  let resuming = false;
  try {
    if (contact.status === "blocked") {
      // A blocked contact's messages are kept, nothing more.
    } else {
      // A trigger's flow that the entry rules keep the contact out of is passed over.
      const tryStart = async (flow: FlowInfo | undefined, trigger: TriggerPart): Promise<boolean> => {
        if (!flow) return false;
        const started = await startFlow(ctx, world, flow, trigger, true);
        if ("skipped" in started) return false;
        outcomes = started.started;
        handledBy = { flow: flow.uuid };
        return true;
      };
      const viaTrigger = (t: CatchAllTrigger | undefined) => t && activeFlow(assets, t.flowUuid);
      if (keywordFlow && (await tryStart(keywordFlow, { type: "msg", msg, keyword_match: { type: keyword.trigger.matchType, keyword: keyword.keyword } }))) {
        // started by its keyword
      } else if (current?.session.status === "waiting" && isJourneyWait(current.session)) {
        // Paused (a journey's wait): the message takes no reply's place and no catch-all ends the
        // journey; it is only logged (docs/journeys.md). A keyword, above, may still interrupt.
      } else if (current?.session.status === "waiting") {
        resuming = true;
        outcomes = [await resumeSession(ctx, world, current, { type: "msg", msg })];
        handledBy = { flow: waitingFlow! };
      } else if (newConversation && (await tryStart(viaTrigger(catchAll(row.channel_uuid, assets.newConversations.filter((t) => admits(t, contact)))), { type: "msg", msg }))) {
        // a new conversation's flow
      } else {
        await tryStart(viaTrigger(catchAll(row.channel_uuid, assets.catchAlls.filter((t) => admits(t, contact)))), { type: "msg", msg });
      }
    }
  } catch (e) {
    // A flow that can't run (invalid, or a session the engine refuses) must not hold up the inbox;
    // a session that can't be resumed ends, so the contact isn't stuck in it.
    if (!(e instanceof EngineError)) throw e;
    console.error("contact", ctx.contactUuid, "inbound message not run:", e.message);
    outcomes = resuming && current ? [{ kind: "messaging", change: { before: current.session, after: ended(current.session, "failed", iso(ctx.now())), events: [], pins: current.pins } }] : [];
    handledBy = undefined;
  }
  const last = outcomes[outcomes.length - 1]?.change.after;
  if (handledBy && last) handledBy.run = (last.runs.find((r) => r.flow.uuid === handledBy!.flow) ?? last.runs[0])?.uuid;
  if (newConversation) entries.rememberConversation(ctx.sql, row.channel_uuid, ctx.now());
  const latest = [...outcomes].reverse().find((o) => o.contact)?.contact ?? contact;
  commit(ctx, assets, outcomes, { statements: inboundStatements(ctx, row, msg, handledBy), inboxId: row.id, contact: { ...seenOn(latest, row.urn, row.channel_uuid), last_seen_on: row.received_on } });
  return world;
}

/** The message as the console lists it, and the contact's name and last-seen time. */
function inboundStatements(ctx: Ctx, row: inbox.InboxRow, msg: MsgIn, handledBy: { flow: string; run?: string } | undefined): Statement[] {
  const nowIso = iso(ctx.now());
  const statements: Statement[] = [
    {
      sql: `INSERT INTO messages (uuid, contact_uuid, channel_uuid, urn, direction, text, attachments, external_id, status, flow_uuid, run_uuid, created_on, modified_on)
            VALUES (?, ?, ?, ?, 'in', ?, ?, ?, 'handled', ?, ?, ?, ?) ON CONFLICT (uuid) DO NOTHING`,
      // Listed by when Eddy accepted it (provider clocks and second-precision timestamps would misplace it among the replies).
      params: [row.uuid, ctx.contactUuid, msg.channel?.uuid ?? null, row.urn, row.text, row.attachments, msg.external_id ?? null, handledBy?.flow ?? null, handledBy?.run ?? null, iso(row.created_at), nowIso],
    },
    { sql: "UPDATE contacts SET last_seen_on = ? WHERE uuid = ?", params: [row.received_on, ctx.contactUuid] },
  ];
  if (row.contact_name) statements.push({ sql: "UPDATE contacts SET name = ?, modified_on = ? WHERE uuid = ? AND name IS NULL", params: [row.contact_name, nowIso, ctx.contactUuid] });
  return statements;
}
