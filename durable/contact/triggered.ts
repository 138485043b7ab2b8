import { EngineError } from "../engine";
import { conditionHolds } from "../engine/waits/event";
import type { Assets } from "./assets";
import { SPRINT_COST } from "./budget";
import { loadWorld } from "./contact";
import type { Ctx } from "./context";
import { flushJournal } from "./d1-writes";
import { sendDue } from "./outbox";
import { commit, startFlow, type TriggerPart } from "./sprints";
import * as entries from "./storage/entries";
import type { ContactEvent } from "./storage/events";

/** A trigger start that fails unexpectedly this often is dropped. */
const MAX_ATTEMPTS = 5;

/**
 * Event triggers: every recorded event whose name a trigger names, and whose properties meet the
 * trigger's conditions (the wait for an event's operators), starts that trigger's flow.
 * Queued in the transaction that stores the events (call inside it); carried out by runPendingStarts.
 */
export function queueEventStarts(sql: SqlStorage, assets: Assets, list: ContactEvent[]): number {
  let n = 0;
  for (const e of list) {
    for (const t of assets.eventTriggers.filter((t) => t.event === e.name && t.conditions.every((c) => conditionHolds(c, e.properties?.[c.property])))) {
      entries.addPendingStart(sql, t.flowUuid, { type: "manual", params: { trigger: "event", event: { name: e.name, properties: e.properties, time: e.time } } }, 1);
      n++;
    }
  }
  return n;
}

/** Joined-group triggers for groups the contact was added to outside a flow (the API). */
export function queueGroupStarts(sql: SqlStorage, assets: Assets, groups: { uuid: string; name: string }[]): number {
  let n = 0;
  for (const g of groups) {
    for (const t of assets.groupTriggers.filter((t) => t.groupUuid === g.uuid)) {
      entries.addPendingStart(sql, t.flowUuid, { type: "manual", params: { trigger: "joined_group", group: g } }, 1);
      n++;
    }
  }
  return n;
}

/**
 * Carries out queued trigger starts in order: each starts its flow (a messaging flow interrupts
 * the waiting session, as a keyword does), subject to the flow's entry rules, and is removed in
 * the transaction that stores the new session. A refused or impossible start is dropped.
 */
export async function runPendingStarts(ctx: Ctx): Promise<void> {
  for (let p = entries.nextPendingStart(ctx.sql); p && ctx.budget.allows(SPRINT_COST); p = entries.nextPendingStart(ctx.sql)) {
    const id = p.id;
    try {
      const world = await loadWorld(ctx);
      const flow = world.assets.flows.get(p.flow_uuid);
      if (!world.contact || world.contact.status !== "active" || !flow || flow.status !== "active") {
        entries.removePendingStart(ctx.sql, id);
        continue;
      }
      let started;
      try {
        started = await startFlow(ctx, { assets: world.assets, contact: world.contact }, flow, JSON.parse(p.trigger) as TriggerPart, true);
      } catch (e) {
        if (!(e instanceof EngineError)) throw e;
        console.error("contact", ctx.contactUuid, "trigger start not run:", e.message);
        entries.removePendingStart(ctx.sql, id);
        continue;
      }
      if ("skipped" in started) {
        entries.removePendingStart(ctx.sql, id);
        continue;
      }
      commit(ctx, world.assets, started.started, { pendingStartId: id, depth: p.depth });
      await sendDue(ctx, world);
      await flushJournal(ctx);
    } catch (e) {
      console.error("contact", ctx.contactUuid, "trigger start failed:", e instanceof Error ? e.message : String(e));
      entries.pendingStartFailed(ctx.sql, id, MAX_ATTEMPTS);
      return;
    }
  }
}
