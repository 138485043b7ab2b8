import { EngineError, type ContactJSON } from "../engine";
import { dueFor } from "../../worker/triggers/date-relative";
import type { Assets } from "./assets";
import { loadWorld } from "./contact";
import { iso, type Ctx } from "./context";
import { flushJournal } from "./d1-writes";
import { sendDue } from "./outbox";
import { trustedAssets } from "./fresh-assets";
import { commit, startFlow } from "./sprints";
import * as timers from "./storage/timers";

/**
 * Date-relative triggers (docs/triggers.md): the contact's object owns the contact's fields, so it
 * plans its own timer per trigger, one `date_trigger` timer each, and fires it. A timer names the
 * trigger and the trigger's stamp (its modified_on): an edited or deleted trigger leaves stale
 * timers, which fire nothing.
 */
type Planned = { trigger: string; stamp: string; held?: number };

/**
 * How late a fire held for its flow's first publication may still start (docs/triggers.md): a flow
 * published the day it was imported loses no reminder; one published a month later does not send
 * a month of them at once.
 */
export const HELD_AT_MOST_MS = 24 * 60 * 60 * 1000;

/**
 * Plans the contact's timers for these triggers (all there are): each one's next due time after
 * `now`, or none. A due time already past is never fired (a trigger made today for a date last
 * month sends nothing late); one every year goes on to the next anniversary. A timer due already
 * is left to the timer loop, which checks it again before firing.
 */
export function planDateTriggers(sql: SqlStorage, assets: Pick<Assets, "dateTriggers" | "environment" | "flows">, contact: ContactJSON, now: number): void {
  const planned = new Map<string, timers.TimerRow>();
  for (const t of timers.ofKind(sql, "date_trigger")) {
    const key = timers.payloadOf<Planned>(t).trigger;
    if (planned.has(key)) timers.remove(sql, t.id);
    else planned.set(key, t);
  }
  for (const trigger of assets.dateTriggers) {
    const row = planned.get(trigger.uuid);
    planned.delete(trigger.uuid);
    if (row && row.due_at !== null && row.due_at <= now) continue;
    // A fire held until the flow is published: due now that it is, else it waits on.
    if (row && timers.payloadOf<Planned>(row).held !== undefined && timers.payloadOf<Planned>(row).stamp === trigger.stamp) {
      if (assets.flows.has(trigger.flowUuid)) timers.reschedule(sql, row.id, now);
      continue;
    }
    // `now + 1`: a trigger that fired at this very millisecond plans its next anniversary, not itself.
    const due = dueFor(trigger.params, contact, now + 1, assets.environment?.timezone);
    const want = due !== null && due > now ? due : null;
    if (row && row.due_at === want && timers.payloadOf<Planned>(row).stamp === trigger.stamp) continue;
    if (row) timers.remove(sql, row.id);
    if (want !== null) timers.add(sql, { kind: "date_trigger", due_at: want, payload: { trigger: trigger.uuid, stamp: trigger.stamp } satisfies Planned });
  }
  // Timers of triggers deleted since.
  for (const row of planned.values()) timers.remove(sql, row.id);
}

/**
 * A `date_trigger` timer fell due: the flow starts if the trigger is unchanged, the contact's date
 * still gives this due time (a field changed since is planned again instead), the contact is
 * active and in the trigger's group, and the flow's entry rules let it in. The timer goes in the
 * transaction that stores the new session; the next anniversary is planned after it.
 */
export async function fireDateTrigger(ctx: Ctx, t: timers.TimerRow): Promise<void> {
  const { trigger: uuid, stamp, held } = timers.payloadOf<Planned>(t);
  const dueAt = held ?? t.due_at!;
  const world = await loadWorld(ctx);
  const trigger = world.assets.dateTriggers.find((d) => d.uuid === uuid);
  const contact = world.contact;
  const current = trigger && trigger.stamp === stamp && contact && dueFor(trigger.params, contact, dueAt, world.assets.environment?.timezone) === dueAt;
  const flow = trigger && world.assets.flows.get(trigger.flowUuid);
  const member = !trigger?.params.group || !!contact?.groups?.some((g) => g.uuid === trigger.params.group);
  const done = () => {
    timers.remove(ctx.sql, t.id);
    if (contact) planDateTriggers(ctx.sql, world.assets, contact, ctx.now());
  };
  // The flow was never published (an imported campaign's flow is a draft): the fire waits for its
  // publication, which plans the trigger's contacts again (planDateTriggers makes it due).
  if (current && !flow && contact.status === "active" && member && held === undefined) {
    timers.reschedule(ctx.sql, t.id, null, { trigger: uuid, stamp, held: dueAt } satisfies Planned);
    return;
  }
  if (!current || !flow || flow.status !== "active" || contact.status !== "active" || !member || (held !== undefined && ctx.now() - held > HELD_AT_MOST_MS)) return done();
  const field = contact.fields?.[trigger.params.field];
  const params = { trigger: "date_relative", field: { key: trigger.params.field, value: field?.datetime ?? field?.text ?? null }, due: iso(dueAt) };
  let started;
  try {
    started = await startFlow(ctx, { assets: world.assets, contact }, flow, { type: "manual", params }, trigger.params.interrupt ?? true);
  } catch (e) {
    if (!(e instanceof EngineError)) throw e;
    console.error("contact", ctx.contactUuid, "date trigger start not run:", e.message);
    return done();
  }
  if ("skipped" in started) return done();
  commit(ctx, world.assets, started.started, { timerId: t.id });
  const after = [...started.started].reverse().find((o) => o.contact)?.contact ?? contact;
  planDateTriggers(ctx.sql, world.assets, after, ctx.now());
  await sendDue(ctx, world);
  await flushJournal(ctx);
}

/**
 * Plans again from the object's kept contact and the assets the operation read, else the isolate's
 * trusted ones (an alarm whose timers resumed flows), when it has both: a flow may have changed a
 * date field. Costs no D1 query; an operation that read neither changed nothing to plan for.
 */
export function replanDates(sql: SqlStorage, read: Assets | undefined, contact: ContactJSON | undefined, now: number): void {
  const assets = read ?? trustedAssets(now);
  if (!assets || !contact) return;
  if (!assets.dateTriggers.length && !timers.ofKind(sql, "date_trigger").length) return;
  planDateTriggers(sql, assets, contact, now);
}
