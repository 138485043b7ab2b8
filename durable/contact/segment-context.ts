import type { ContactJSON } from "../engine";
import type { Assets } from "./assets";
import type { Ctx } from "./context";
import * as events from "./storage/events";
import { getMeta } from "./storage/schema";

/** The meta key holding when a message was last handed to a provider for the contact (outbox.ts). */
export const LAST_CONTACTED = "last_contacted_on";

/** Whether any published flow splits on segments: computed once per loaded assets. */
const splits = new WeakMap<Assets, boolean>();

function usesSegments(assets: Assets): boolean {
  let uses = splits.get(assets);
  if (uses === undefined) {
    uses = [...assets.flows.values()].some((f) => (f.definition.nodes as { router?: { type?: string } }[] | undefined)?.some((n) => n.router?.type === "segment_audience"));
    splits.set(assets, uses);
  }
  return uses;
}

/**
 * The contact as a sprint gets it: with its event log as `recent_events` (oldest first, the shape of
 * an `event` resume's) and when a message was last sent to it as `last_contacted_on`, when a flow
 * splits on segments, whose conditions read them (docs/journeys.md, "Segment audience"). Other
 * sprints don't pay for reading the log.
 */
export function sprintContact(ctx: Ctx, assets: Assets, contact: ContactJSON): ContactJSON {
  if (!usesSegments(assets)) return contact;
  const recent = events
    .recent(ctx.sql, events.MAX_EVENTS)
    .reverse()
    .map((e) => ({ name: e.name, properties: e.properties, occurred_on: e.time }));
  const contacted = getMeta(ctx.sql, LAST_CONTACTED);
  return { ...contact, recent_events: recent, ...(contacted ? { last_contacted_on: contacted } : {}) } as ContactJSON;
}

/** The log and the last send are the object's, not the contact's: they are not kept in the session or the profile. */
export function withoutEvents(contact: ContactJSON): ContactJSON {
  delete (contact as { recent_events?: unknown }).recent_events;
  delete (contact as { last_contacted_on?: unknown }).last_contacted_on;
  return contact;
}
