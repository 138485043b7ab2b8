import type { ContactJSON, ResumeJSON, TriggerJSON } from "../engine";
import { pinnedAssets, type Assets, type FlowInfo } from "./assets";
import { engine, iso, type Ctx } from "./context";
import { applyEvents as recordDoNotContact } from "./do-not-contact";
import { withFormGate } from "../../worker/whatsapp-forms/gate";
import { ended, pinRuns, sprintEffects, type SprintChange } from "./effects";
import { sprintContact, withoutEvents } from "./segment-context";
import { entryRefusal, entryWindowRefusal } from "./settings";
import * as entries from "./storage/entries";
import * as fanouts from "./storage/fanouts";
import * as inbox from "./storage/inbox";
import * as journal from "./storage/journal";
import type { Statement } from "./storage/journal";
import * as outbox from "./storage/outbox";
import * as profile from "./storage/profile";
import * as sessions from "./storage/sessions";
import * as timerRows from "./storage/timers";
import { contactChanged } from "./timers";
import { waitTimers } from "./waits";

/** The contact and the assets, as read at the start of an operation. */
export interface World {
  assets: Assets;
  contact: ContactJSON;
}

/** A session's new state after a sprint, to be stored. */
export interface Outcome {
  kind: sessions.SessionKind;
  change: SprintChange;
  /** The flow the contact entered with this sprint (a top-level start): counted for entry rules. */
  entered?: string;
  /** The contact as the engine left it (absent when no sprint ran: a session ended without one). */
  contact?: ContactJSON;
}

/** The engine's events that change what a wait for a profile change or a date looks at. */
const CONTACT_CHANGES = new Set(["contact_field_changed", "contact_name_changed", "contact_language_changed", "contact_timezone_changed", "contact_status_changed", "contact_urns_changed"]);

/** Trigger starts that lead to trigger starts (a flow adding its contact to a group...) stop this deep. */
export const MAX_TRIGGER_DEPTH = 3;

/** The trigger without what `start` fills in (flow, contact, environment, time). */
export type TriggerPart =
  | { type: "manual"; params?: Record<string, unknown>; batch?: boolean }
  | Pick<Extract<TriggerJSON, { type: "msg" }>, "type" | "msg" | "keyword_match">
  | Pick<Extract<TriggerJSON, { type: "flow_action" }>, "type" | "run_summary" | "history" | "params">;

export type Started = { started: Outcome[] } | { skipped: string };

/**
 * Starts a flow for the contact. A messaging flow replaces the messaging session (interrupting it)
 * unless `interrupt` is false, in which case a contact already in one is skipped; a background
 * flow runs as a session of its own and leaves the messaging session alone.
 */
export async function startFlow(ctx: Ctx, world: World, flow: FlowInfo, trigger: TriggerPart, interrupt: boolean): Promise<Started> {
  // Imported offline (Surveyor) flows run on phones in goflow; Eddy keeps them but starts none.
  if (flow.type === "messaging_offline") return { skipped: "an offline (Surveyor) flow: Eddy imports it but does not start it" };
  // The flow's entry window and rules, for every way in (triggers, starts, the API): see docs/flow-settings.md.
  const refused = entryWindowRefusal(flow.entryWindow, ctx.now()) ?? entryRefusal(flow.entryRules, entries.entryTimes(ctx.sql, flow.uuid), ctx.now());
  if (refused) return { skipped: refused };
  const outcomes: Outcome[] = [];
  const kind: sessions.SessionKind = flow.type === "messaging_background" ? "background" : "messaging";
  if (kind === "messaging") {
    const current = sessions.messaging(ctx.sql);
    if (current && !interrupt) return { skipped: "the contact is in a messaging flow" };
    if (current) outcomes.push({ kind, change: { before: current.session, after: ended(current.session, "interrupted", iso(ctx.now())), events: [], pins: current.pins } });
  }
  const sprint = await engine.start(withFormGate(world.assets.engine, ctx.db, ctx.contactUuid, ctx.now), {
    ...trigger,
    flow: { uuid: flow.uuid, name: flow.name },
    contact: sprintContact(ctx, world.assets, world.contact),
    environment: world.assets.environment,
    triggered_on: iso(ctx.now()),
  } as TriggerJSON);
  withoutEvents(sprint.session.contact);
  outcomes.push({ kind, change: { before: null, after: sprint.session, events: sprint.events, pins: pinRuns(sprint.session, {}, world.assets) }, entered: flow.uuid, contact: sprint.session.contact });
  return { started: outcomes };
}

/** Resumes a stored session on the flow versions it started in, with the contact as D1 has it now. */
export async function resumeSession(ctx: Ctx, world: World, stored: sessions.StoredSession, resume: ResumeJSON): Promise<Outcome> {
  const assets = await pinnedAssets(ctx.db, world.assets, stored.pins);
  const sprint = await engine.resume(withFormGate(assets, ctx.db, ctx.contactUuid, ctx.now), stored.session, { ...resume, contact: sprintContact(ctx, world.assets, world.contact) });
  withoutEvents(sprint.session.contact);
  return {
    kind: stored.kind,
    change: { before: stored.session, after: sprint.session, events: sprint.events, pins: pinRuns(sprint.session, stored.pins, world.assets) },
    contact: sprint.session.contact,
  };
}

/**
 * Stores the outcomes of an operation in one transaction: sessions, their timers, the messages to
 * send, the D1 writes to make, the contact as it now is (the last sprint's, or `extra.contact`),
 * and the inbox row or timer that caused it all, marked done.
 */
export function commit(
  ctx: Ctx,
  assets: Assets,
  outcomes: Outcome[],
  extra: { statements?: Statement[]; inboxId?: number; timerId?: number; pendingStartId?: number; depth?: number; contact?: ContactJSON } = {},
): void {
  const now = ctx.now();
  const nowIso = iso(now);
  ctx.storage.transactionSync(() => {
    const statements: Statement[] = [];
    for (const o of outcomes) {
      const fx = sprintEffects(ctx.contactUuid, assets, o.change, nowIso);
      sessions.save(ctx.sql, { kind: o.kind, session: o.change.after, pins: o.change.pins }, now);
      timerRows.clearSession(ctx.sql, o.change.after.uuid);
      for (const m of fx.outbox) outbox.add(ctx.sql, m, now);
      for (const m of fx.outbox) if (m.failed) console.error("contact", ctx.contactUuid, `${m.urn} not sent:`, m.failed);
      for (const f of fx.fanouts) fanouts.add(ctx.sql, f, now);
      const sendable = new Set(fx.outbox.map((m) => m.uuid));
      for (const t of waitTimers(o.change.after, o.change.events, sendable, now)) timerRows.add(ctx.sql, t);
      statements.push(...fx.statements);
      if (o.entered) entries.recordEntry(ctx.sql, o.entered, now, assets.flows.get(o.entered)?.version ?? null);
      recordDoNotContact(ctx.sql, o.change.events);
      joinedGroupStarts(ctx, assets, o.change.events, extra.depth ?? 0);
    }
    // A flow changed the contact: the other sessions' waits for a profile change or a date look again.
    const changers = outcomes.filter((o) => o.change.events.some((e) => CONTACT_CHANGES.has(e.type)));
    if (changers.length) contactChanged(ctx.sql, now, new Set(changers.map((o) => o.change.after.uuid)));
    statements.push(...(extra.statements ?? []));
    journal.append(ctx.sql, statements);
    const contact = extra.contact ?? [...outcomes].reverse().find((o) => o.contact)?.contact;
    // Kept as fresh as the D1 read it came from: the object's own changes don't make it fresher.
    if (contact) profile.save(ctx.sql, contact, profile.readAt(ctx.sql) ?? now);
    if (extra.inboxId !== undefined) inbox.markDone(ctx.sql, extra.inboxId);
    if (extra.timerId !== undefined) timerRows.remove(ctx.sql, extra.timerId);
    if (extra.pendingStartId !== undefined) entries.removePendingStart(ctx.sql, extra.pendingStartId);
  });
}

/**
 * A flow that adds its contact to a group starts that group's joined-group triggers: queued in
 * the same transaction, carried out after it (contact-session.ts). Chains stop at MAX_TRIGGER_DEPTH.
 */
function joinedGroupStarts(ctx: Ctx, assets: Assets, events: { type: string; [k: string]: unknown }[], depth: number): void {
  if (!assets.groupTriggers.length) return;
  for (const e of events) {
    if (e.type !== "contact_groups_changed") continue;
    for (const g of (e.groups_added ?? []) as { uuid: string; name: string }[]) {
      for (const t of assets.groupTriggers.filter((t) => t.groupUuid === g.uuid)) {
        if (depth + 1 > MAX_TRIGGER_DEPTH) {
          console.error("contact", ctx.contactUuid, `joined-group trigger for ${g.uuid} not started: more than ${MAX_TRIGGER_DEPTH} trigger starts in a row`);
          continue;
        }
        entries.addPendingStart(ctx.sql, t.flowUuid, { type: "manual", params: { trigger: "joined_group", group: { uuid: g.uuid, name: g.name } } }, depth + 1);
      }
    }
  }
}
