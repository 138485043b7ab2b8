import { channelBucket, reserveSend, type BucketConfig } from "../../worker/channels/rate";
import { getProvider } from "../../worker/channels/registry";
import type { SendResult } from "../../worker/channels/types";
import { quickReplyTexts, type ContactJSON, type MsgOut, type QuickReply } from "../engine";
import { channelSchemes, type Assets } from "./assets";
import { currentAssets } from "./fresh-assets";
import { skipReason } from "./do-not-contact";
import { SEND_COST } from "./budget";
import { iso, type Ctx } from "./context";
import { outMessage } from "./effects";
import { windowOpensAt } from "./settings";
import { formSentRow } from "../../worker/whatsapp-forms/flow-sends";
import * as journal from "./storage/journal";
import type { Statement } from "./storage/journal";
import * as outbox from "./storage/outbox";
import * as profile from "./storage/profile";
import { setMeta } from "./storage/schema";
import { LAST_CONTACTED } from "./segment-context";
import * as timers from "./storage/timers";

/** After this many tries a retryable failure becomes final. */
export const MAX_SEND_ATTEMPTS = 8;
/** First retry after this long, doubling each time, up to RETRY_MAX_MS. */
export const RETRY_BASE_MS = 5_000;
export const RETRY_MAX_MS = 3600_000;
/** A rate-limit wait up to this long is slept through; a longer one is left to the alarm. */
const SLEEP_MAX_MS = 1_000;

/** Exponential backoff, never sooner than the provider's Retry-After. */
export function retryDelay(attempts: number, retryAfterSeconds?: number): number {
  const backoff = Math.min(RETRY_BASE_MS * 2 ** attempts, RETRY_MAX_MS);
  return Math.max(backoff, (retryAfterSeconds ?? 0) * 1000);
}

/**
 * Sends the outbox, each channel's messages in order, until every channel's first message is sent
 * or must wait (a retry, the channel's rate, a delivery window). Each result is stored before the
 * next send: the message's status in D1, a wait timeout that counts from this acceptance, the
 * parts already accepted (a retry starts after them, so the contact never gets a part twice). `world` is what the operation already read
 * from D1 (after a sprint); without it, the assets are read when needed, and without its contact
 * the contact's time zone is.
 */
export async function sendDue(ctx: Ctx, world?: { assets: Assets; contact?: ContactJSON | null }): Promise<void> {
  let assets = world?.assets;
  // The contact's time zone, for delivery windows in the contact's time (D1 has it as the sprint read it: its writes come after the sends).
  let contactZone: string | null | undefined = world?.contact ? (world.contact.timezone ?? null) : undefined;
  for (;;) {
    const row = outbox.nextDue(ctx.sql, ctx.now());
    // What doesn't fit in this invocation is sent by the alarm, re-armed at once.
    if (!row || !ctx.budget.allows(SEND_COST)) return;
    assets ??= await currentAssets(ctx.db, ctx.now());
    const channel = row.channel_uuid ? assets.channels.get(row.channel_uuid) : undefined;
    const provider = channel && getProvider(channel.type);
    if (!channel || !provider) {
      settle(ctx, row, { ok: false, retryable: false, error: "the message's channel no longer exists" });
      continue;
    }

    // A listed address is never sent to, whatever queued the message (docs/do-not-contact.md).
    const skipped = await skipReason(ctx, row.urn);
    if (skipped) {
      skip(ctx, row, skipped);
      continue;
    }

    // The flow's delivery window: outside it the message is held (other flows' messages go on).
    const window = row.flow_uuid ? assets.flows.get(row.flow_uuid)?.deliveryWindow : null;
    if (window) {
      if (window.timezone === "contact" && contactZone === undefined) contactZone = await timezoneOf(ctx);
      const zone = window.timezone === "contact" ? (contactZone ?? "UTC") : window.timezone;
      const opens = windowOpensAt(window, zone, ctx.now());
      if (opens > ctx.now()) {
        outbox.hold(ctx.sql, row.uuid, opens);
        continue;
      }
    }

    const slot = row.rate_slot ?? (await bookSlot(ctx, row, channel.uuid, channelBucket(channel.sendsPerSecond, provider.defaultSendsPerSecond)));
    if (slot === null) continue;
    if (slot - ctx.now() > SLEEP_MAX_MS) {
      // The slot is booked: the alarm brings the message back then; other channels go on.
      outbox.defer(ctx.sql, row.uuid, slot, slot);
      continue;
    }
    if (slot > ctx.now()) await scheduler.wait(slot - ctx.now());

    const result = await provider.send(
      {
        uuid: row.uuid,
        urn: row.urn,
        text: row.text,
        attachments: JSON.parse(row.attachments) as string[],
        quickReplies: JSON.parse(row.quick_replies) as string[],
        ...(ctx.origin ? { statusUrl: `${ctx.origin}/channels/${channel.uuid}/status` } : {}),
        ...(row.in_reply_to ? { inReplyTo: row.in_reply_to } : {}),
        ...(row.subject ? { subject: row.subject } : {}),
        ...(row.parts_sent ? { fromPart: row.parts_sent } : {}),
        ...(row.payload ? { payload: JSON.parse(row.payload) as Record<string, unknown> } : {}),
      },
      channel,
      ctx.fetch,
    );
    settle(ctx, row, result);
  }
}

/** Up to this many messages on one channel book their slots in one call. */
const SLOT_BATCH = 10;

/**
 * Books the message's send slot on the channel's rate. With the channel's rate object, the slot
 * counts across all contacts, and the messages behind it on the same channel book theirs in the
 * same call; without it (no binding), the rate is paced in this object. Returns null when the
 * message must wait for the per-object bucket (the alarm brings it back).
 */
async function bookSlot(ctx: Ctx, row: outbox.OutboxRow, channelUuid: string, cfg: BucketConfig): Promise<number | null> {
  if (ctx.reserveSlots) {
    const batch = outbox.nextOnChannel(ctx.sql, ctx.now(), channelUuid, SLOT_BATCH);
    const rows = batch.some((r) => r.uuid === row.uuid) ? batch : [row];
    // A message answering one the contact sent goes in the reply lane, ahead of starts and broadcasts.
    const slots = await ctx.reserveSlots(channelUuid, cfg, rows.length, row.in_reply_to ? "reply" : "bulk");
    const mine = rows.findIndex((r) => r.uuid === row.uuid);
    // The others keep theirs for when they come up. This one goes now, or the caller stores its
    // slot as it defers it: nothing is written before the send (a crash costs one slot, no more).
    if (rows.length > 1) ctx.storage.transactionSync(() => rows.forEach((r, i) => i !== mine && outbox.setRateSlot(ctx.sql, r.uuid, slots[i])));
    return slots[mine];
  }
  const slot = reserveSend(outbox.bucket(ctx.sql, channelUuid), cfg, ctx.now());
  if (slot.at - ctx.now() > SLEEP_MAX_MS) {
    // Not stored: the slot is claimed again when the alarm brings the message back.
    outbox.defer(ctx.sql, row.uuid, slot.at);
    return null;
  }
  outbox.saveBucket(ctx.sql, channelUuid, slot.state);
  return slot.at;
}

/** The contact's time zone, for delivery windows in the contact's time: the object's copy, else D1's. */
async function timezoneOf(ctx: Ctx): Promise<string | null> {
  const kept = profile.get(ctx.sql);
  if (kept) return kept.contact.timezone ?? null;
  const row = await ctx.db.prepare("SELECT timezone FROM contacts WHERE uuid = ?").bind(ctx.contactUuid).first<{ timezone: string | null }>();
  return row?.timezone ?? null;
}

/** Skipped, not failed: the message's D1 status says so, and a wait after it counts from now. */
function skip(ctx: Ctx, row: outbox.OutboxRow, reason: string): void {
  const nowIso = iso(ctx.now());
  ctx.storage.transactionSync(() => {
    outbox.markSkipped(ctx.sql, row.uuid, reason);
    timers.startCounting(ctx.sql, row.uuid, ctx.now());
    journal.append(ctx.sql, [{ sql: "UPDATE messages SET status = 'skipped', modified_on = ? WHERE uuid = ?", params: [nowIso, row.uuid] }]);
  });
}

function settle(ctx: Ctx, row: outbox.OutboxRow, result: SendResult): void {
  const now = ctx.now();
  const nowIso = iso(now);
  ctx.storage.transactionSync(() => {
    let statement: Statement;
    if (result.ok) {
      outbox.markSent(ctx.sql, row.uuid, result.externalId);
      // For segment splits on when the contact was last contacted (segment-context.ts); outlives the pruned outbox.
      setMeta(ctx.sql, LAST_CONTACTED, nowIso);
      timers.startCounting(ctx.sql, row.uuid, now);
      statement = {
        sql: `UPDATE messages SET external_id = ?, sent_on = ?, modified_on = ?, status = CASE WHEN status IN ('queued', 'errored') THEN 'wired' ELSE status END WHERE uuid = ?`,
        params: [result.externalId, nowIso, nowIso, row.uuid],
      };
    } else if (result.retryable && row.attempts + 1 < MAX_SEND_ATTEMPTS) {
      const partsSent = Math.max(row.parts_sent, result.partsSent ?? 0);
      outbox.markRetry(ctx.sql, row.uuid, now + retryDelay(row.attempts, result.retryAfterSeconds), partsSent, result.error);
      statement = { sql: "UPDATE messages SET status = 'errored', modified_on = ? WHERE uuid = ? AND status IN ('queued', 'errored')", params: [nowIso, row.uuid] };
    } else {
      outbox.markFailed(ctx.sql, row.uuid, result.error);
      // The flow must not wait forever for a message that will never arrive: its timeout starts now.
      timers.startCounting(ctx.sql, row.uuid, now);
      statement = { sql: "UPDATE messages SET status = 'failed', modified_on = ? WHERE uuid = ?", params: [nowIso, row.uuid] };
    }
    // A WhatsApp form's send learns the id its answer may quote (context.id).
    journal.append(ctx.sql, result.ok && row.payload ? [statement, formSentRow(row.uuid, result.externalId)] : [statement]);
  });
}

export interface MessageRequest {
  text: string;
  attachments?: string[];
  quickReplies?: string[];
  /** A caller's own id for the message (a broadcast's): a repeated call with it queues nothing more. */
  uuid?: string;
  /** A broadcast's texts by language: the contact's language if there, else `baseLanguage`, else `text`. */
  /** Quick replies as the broadcast event has them: goflow's objects (texts in a fan-out stored before they were). */
  translations?: Record<string, { text: string; attachments?: string[]; quick_replies?: (QuickReply | string)[] }>;
  baseLanguage?: string;
}

/**
 * Where a message to the contact goes, as goflow picks it: the first URN with a channel, its
 * own channel if it has one, else the first channel that sends on its scheme.
 */
function destination(contact: ContactJSON, assets: Assets): { urn: string; channel: { uuid: string; name: string } } | undefined {
  for (const urn of contact.urns ?? []) {
    const q = urn.indexOf("?");
    const identity = q >= 0 ? urn.slice(0, q) : urn;
    const tied = q >= 0 ? new URLSearchParams(urn.slice(q + 1)).get("channel") : null;
    const scheme = identity.slice(0, identity.indexOf(":"));
    const channel = (tied ? assets.channels.get(tied) : undefined) ?? [...assets.channels.values()].find((c) => channelSchemes(c).includes(scheme));
    if (channel) return { urn: identity, channel: { uuid: channel.uuid, name: channel.name } };
  }
  return undefined;
}

/** What became of a message from the API or a broadcast: queued, skipped (stored as such), or refused (nothing stored). */
export type Queued = { uuid: string; skipped?: string } | { error: string };

/** Queues a message from the API (no flow): it goes through the outbox like a flow's. Refused: nothing is stored. */
export async function queueMessage(ctx: Ctx, contact: ContactJSON, assets: Assets, req: MessageRequest): Promise<Queued> {
  if (contact.status !== "active") return { error: `the contact is ${contact.status}` };
  const to = destination(contact, assets);
  if (!to) return { error: "the contact has no URN a channel can send to" };
  if (req.uuid && ctx.sql.exec("SELECT 1 FROM outbox WHERE uuid = ?", req.uuid).toArray().length) return { uuid: req.uuid };
  const t = req.translations?.[contact.language ?? ""] ?? req.translations?.[req.baseLanguage ?? ""];
  const picked = t ? { text: t.text, attachments: t.attachments ?? [], quickReplies: quickReplyTexts(t.quick_replies) } : { text: req.text, attachments: req.attachments ?? [], quickReplies: req.quickReplies ?? [] };
  const content = { text: picked.text, attachments: picked.attachments, quick_replies: picked.quickReplies.map((text) => ({ type: "text" as const, text })) };
  const msg: MsgOut = { uuid: req.uuid ?? crypto.randomUUID(), ...to, ...content };
  const now = ctx.now();
  // Known at once (the object keeps its own listed addresses): stored as skipped, never queued.
  const skipped = await skipReason(ctx, to.urn);
  if (skipped) {
    journal.append(ctx.sql, [outMessage(ctx.contactUuid, msg, "skipped", undefined, iso(now))]);
    return { uuid: msg.uuid, skipped };
  }
  ctx.storage.transactionSync(() => {
    journal.append(ctx.sql, [outMessage(ctx.contactUuid, msg, "queued", undefined, iso(now))]);
    outbox.add(ctx.sql, { uuid: msg.uuid, channelUuid: to.channel.uuid, urn: to.urn, text: msg.text, attachments: msg.attachments!, quickReplies: quickReplyTexts(msg.quick_replies), inReplyTo: null }, now);
  });
  return { uuid: msg.uuid };
}
