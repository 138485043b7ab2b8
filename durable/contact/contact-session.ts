import { DurableObject } from "cloudflare:workers";
import { EngineError, type ContactJSON } from "../engine";
import type { InboundMessage } from "../../worker/channels/types";
import { loadWorld } from "./contact";
import { applyEdit, type ContactEdit } from "./profile-edit";
import type { Ctx } from "./context";
import { flushJournal } from "./d1-writes";
import { handleInbound } from "./inbound";
import { queueMessage, sendDue, type MessageRequest, type Queued } from "./outbox";
import * as dnc from "./do-not-contact";
import { goalStatements } from "./goals";
import { SerialQueue } from "./queue";
import { commit, startFlow } from "./sprints";
import * as events from "./storage/events";
import { runFanouts, type ParentRun } from "./fanout";
import * as fanouts from "./storage/fanouts";
import * as inbox from "./storage/inbox";
import * as journal from "./storage/journal";
import * as outbox from "./storage/outbox";
import * as profile from "./storage/profile";
import * as startsSeen from "./storage/starts";
import { createTables, getMeta, setMeta } from "./storage/schema";
import { replanDates } from "./date-triggers";
import * as sessions from "./storage/sessions";
import * as timers from "./storage/timers";
import { eventsRecorded, fireDueTimers, nextAlarmAt, RECOVERY_MS } from "./timers";
import type { Assets } from "./assets";
import { currentAssets, forgetAssets } from "./fresh-assets";
import { hasSmartGroups, refreshSmartGroups } from "./smart-groups";
import { Budget, meteredD1, SPRINT_COST } from "./budget";
import { queueEventStarts, queueGroupStarts, runPendingStarts } from "./triggered";
import { waitingRun } from "./waits";
import { contactForUrn, splitUrn } from "../../worker/webhooks/contacts";

/** Whether the contact (as the object has it) has this URN, compared as the Worker stores URNs. */
function ownsUrn(contact: ContactJSON | null, urn: string): boolean {
  if (!contact) return false;
  const want = splitUrn(urn);
  return (contact.urns ?? []).some((u) => {
    const q = u.indexOf("?");
    const have = splitUrn(q >= 0 ? u.slice(0, q) : u);
    return have.scheme === want.scheme && have.path === want.path;
  });
}

/**
 * How long `receive` waits for its messages to be handled before the provider gets its answer:
 * 0, the answer goes once the messages are stored (and the alarm armed that picks up whatever an
 * evicted object leaves); the handling goes on. A provider must not wait for a flow's webhooks or
 * D1 (Twilio gives up after 15 s and calls again). The tests wait for the handling (up to 5 s,
 * test/contact/answer-after-handling.ts) so they can look at what it did when the call returns.
 */
export const inbound = { answerWithinMs: 0 };

/** `run`, when asked for (`report`): how the started flow's own run ended (`webhook`: its last webhook's JSON, as text), for a form's data endpoint (worker/whatsapp-forms/endpoint-flows.ts). */
export type RunReport = { status: string; results: Record<string, string>; webhook: string | null };
export type StartResult = { status: "started"; session: string; run?: RunReport } | { status: "skipped" | "failed"; reason: string };

/**
 * One object per contact (`env.CONTACTS.getByName(contactUuid)`): it owns the contact's messaging
 * session, background sessions, timers, event log, inbound dedupe window and outbox, and does
 * everything for the contact one thing at a time. See docs/contact-session.md.
 */
export class ContactSession extends DurableObject<Env> {
  private readonly queue = new SerialQueue();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => createTables(ctx.storage));
  }

  /** False once `forget` has wiped the object: the next call makes its tables again. */
  private hasTables = true;

  private tables(): void {
    if (this.hasTables) return;
    createTables(this.ctx.storage);
    this.hasTables = true;
  }

  /**
   * The contact was deleted (DELETE /api/v1/contacts/:uuid): its sessions, timers, event log,
   * outbox, journal and alarm go, after the operation in progress. Nothing of it is left stored.
   */
  async forget(): Promise<void> {
    await this.queue.run(async () => {
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      this.unsaved = {};
      this.hasTables = false;
    });
  }

  /**
   * Accepts inbound messages: stored and de-duplicated first, then handled in arrival order. The
   * Worker found this contact from the URN with a hint it keeps (worker/webhooks/contacts.ts): a
   * message whose URN is no longer this contact's (moved by the API, or the contact deleted) goes
   * to the URN's owner in D1 instead, made when there is none.
   */
  async receive(contactUuid: string, origin: string, messages: InboundMessage[], opts: { check: boolean } = { check: true }): Promise<inbox.Accepted[]> {
    const ctx = this.context(contactUuid, origin);
    // Found in D1 just now (`check` false): no read before the messages are stored.
    const contact = opts.check ? (await loadWorld(ctx)).contact : null;
    const mine = opts.check ? messages.filter((m) => ownsUrn(contact, m.urn)) : messages;
    const elsewhere = messages.filter((m) => !mine.includes(m));
    const forwarded = elsewhere.length ? this.forward(ctx, origin, elsewhere) : Promise.resolve(new Map<InboundMessage, inbox.Accepted>());
    const accepted = mine.length ? await this.accept(ctx, contactUuid, mine) : new Map<InboundMessage, inbox.Accepted>();
    const others = await forwarded;
    return messages.map((m) => (accepted.get(m) ?? others.get(m))!);
  }

  /**
   * With EDDY_USAGE_LOG set (the benches set it), one line per invocation with what it cost, for
   * the figures `npm run bench` prints: D1 reads, D1 write transactions, subrequests.
   */
  private usage(method: string, ctx: Ctx): void {
    if (!(this.env as { EDDY_USAGE_LOG?: string }).EDDY_USAGE_LOG) return;
    console.log(`eddy-usage ${method} ${ctx.contactUuid} reads=${ctx.budget.queries - ctx.budget.writeQueries} writes=${ctx.budget.writes} subrequests=${ctx.budget.subrequests}`);
  }

  /** Messages for another contact, each to the URN's owner in D1 (the Worker's hint is corrected). */
  private async forward(ctx: Ctx, origin: string, messages: InboundMessage[]): Promise<Map<InboundMessage, inbox.Accepted>> {
    const byOwner = new Map<string, InboundMessage[]>();
    for (const m of messages) {
      const owner = await contactForUrn(this.env.DB, m.urn, m.channelUuid, m.contactName);
      byOwner.set(owner, [...(byOwner.get(owner) ?? []), m]);
    }
    const out = new Map<InboundMessage, inbox.Accepted>();
    for (const [owner, list] of byOwner) {
      if (owner === ctx.contactUuid) {
        // D1 says it is this contact's after all: the object's copy is behind; read it again.
        profile.drop(ctx.sql);
        for (const [m, a] of await this.accept(ctx, owner, list)) out.set(m, a);
        continue;
      }
      const answers = await this.env.CONTACTS.getByName(owner).receive(owner, origin, list, { check: false });
      list.forEach((m, i) => out.set(m, answers[i]));
    }
    return out;
  }

  private async accept(ctx: Ctx, contactUuid: string, messages: InboundMessage[]): Promise<Map<InboundMessage, inbox.Accepted>> {
    const accepted = this.ctx.storage.transactionSync(() => {
      // The alarm that picks the inbox up again needs to know whose it is.
      this.saveIdentity();
      return messages.map((m) => inbox.accept(ctx.sql, m, ctx.now()));
    });
    // Armed before processing: if the object dies half-way, the alarm picks the inbox up again.
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > ctx.now() + RECOVERY_MS) await this.ctx.storage.setAlarm(ctx.now() + RECOVERY_MS);
    const handle = () => {
      const handled = this.serially(ctx, async () => {});
      handled.finally(() => this.usage("receive", ctx)).catch(() => {});
      return handled;
    };
    const failed = (e: unknown) => console.error("contact", contactUuid, "inbound handling failed:", e instanceof Error ? e.message : String(e));
    if (inbound.answerWithinMs <= 0) {
      // Begun after this call has answered: begun at once, the sprint would run (and its writes be
      // awaited by the output gate) before the answer leaves.
      this.ctx.waitUntil(scheduler.wait(0).then(handle).catch(failed));
      return new Map(messages.map((m, i) => [m, accepted[i]]));
    }
    const handled = handle();
    const timer = new AbortController();
    const waited = scheduler.wait(inbound.answerWithinMs, { signal: timer.signal }).then(
      () => true,
      () => false,
    );
    const slow = await Promise.race([handled.then(() => false), waited]).finally(() => timer.abort());
    if (slow) this.ctx.waitUntil(handled.catch(failed));
    return new Map(messages.map((m, i) => [m, accepted[i]]));
  }

  /**
   * A simple start: the flow's newest published version, for this contact, now. With `startUuid`
   * (a start of many contacts), a second call for the same start gets the first one's answer.
   */
  async startFlow(
    contactUuid: string,
    origin: string,
    req: { flowUuid: string; interrupt?: boolean; params?: Record<string, unknown>; startUuid?: string; batch?: boolean; parent?: ParentRun; sendSlots?: Record<string, number[]>; report?: boolean },
  ): Promise<StartResult> {
    // A start's coordinator booked this contact's first sends with its page (durable/starts/send-slots.ts).
    const ctx = this.context(contactUuid, origin, req.sendSlots);
    // A start of many contacts writes D1 behind, many contacts to a transaction (d1-writes.ts).
    ctx.behind = !!req.startUuid;
    const result = this.serially(ctx, async (read): Promise<StartResult> => {
      const seen = req.startUuid ? startsSeen.answered(ctx.sql, req.startUuid) : null;
      if (seen) return seen;
      const answer = (r: StartResult) => {
        if (req.startUuid) startsSeen.remember(ctx.sql, req.startUuid, r, ctx.now());
        return r;
      };
      const world = await loadWorld(ctx);
      read.assets = world.assets;
      if (!world.contact) return answer({ status: "failed", reason: "no such contact" });
      const flow = world.assets.flows.get(req.flowUuid);
      if (!flow || flow.status !== "active") return answer({ status: "failed", reason: "the flow is not published and active" });
      if (world.contact.status !== "active") return answer({ status: "skipped", reason: `the contact is ${world.contact.status}` });
      try {
        const params = req.params ? { params: req.params } : {};
        // Started by another flow's start_session: its run is this session's @parent.
        // ...and the values its start_session passed for this flow's variables.
        const passed = { ...params, ...(req.parent?.variables ? { variables: req.parent.variables } : {}) };
        const trigger = req.parent ? { type: "flow_action" as const, run_summary: req.parent.run_summary, history: req.parent.history, ...passed } : { type: "manual" as const, ...passed, ...(req.startUuid || req.batch ? { batch: true } : {}) };
        const r = await startFlow(ctx, { assets: world.assets, contact: world.contact }, flow, trigger, req.interrupt ?? true);
        if ("skipped" in r) return answer({ status: "skipped", reason: r.skipped });
        // The answer is remembered in the transaction that starts the flow: both or neither.
        return this.ctx.storage.transactionSync(() => {
          commit(ctx, world.assets, r.started);
          const after = r.started[r.started.length - 1].change.after;
          const run = after.runs[0];
          const report = req.report && run ? { run: { status: run.status, results: Object.fromEntries(Object.entries(run.results).map(([k, v]) => [k, v.value])), webhook: run.webhook?.json != null ? JSON.stringify(run.webhook.json) : null } } : {};
          return answer({ status: "started", session: after.uuid, ...report });
        });
      } catch (e) {
        if (e instanceof EngineError) return answer({ status: "failed", reason: e.message });
        throw e;
      }
    });
    await result.finally(() => this.usage("startFlow", ctx));
    return result;
  }

  /** A message from the API, outside any flow. */
  async sendMessage(contactUuid: string, origin: string, req: MessageRequest): Promise<Queued> {
    const ctx = this.context(contactUuid, origin);
    return this.serially(ctx, async (read) => {
      const world = await loadWorld(ctx);
      read.assets = world.assets;
      if (!world.contact) return { error: "no such contact" };
      return queueMessage(ctx, world.contact, world.assets, req);
    });
  }

  /**
   * Stores events in the log; those an event trigger names start its flow (docs/triggers.md), those
   * a wait is waiting for resume it, and those that are a flow's goal count it (docs/journeys.md).
   */
  async recordEvents(contactUuid: string, list: events.ContactEvent[], origin: string | null = null): Promise<number> {
    const ctx = this.context(contactUuid, origin);
    return this.serially(ctx, async (read) => {
      const assets = (read.assets = await currentAssets(ctx.db, ctx.now()));
      this.ctx.storage.transactionSync(() => {
        const ids = events.record(ctx.sql, list, new Date(ctx.now()).toISOString());
        queueEventStarts(ctx.sql, assets, list);
        journal.append(ctx.sql, goalStatements(ctx.sql, contactUuid, assets, list));
        // Waits for these events are offered them once this operation is done (fireDueTimers).
        eventsRecorded(ctx.sql, ctx.now(), list.map((e, i) => ({ name: e.name, id: ids[i] })));
      });
      return list.length;
    });
  }

  /**
   * The API edits the contact (PATCH /contacts, group members): the object changes its copy and
   * writes the change to D1 through its journal, in order with what its flows changed before
   * (profile-edit.ts). False when there is no such contact.
   */
  async editContact(contactUuid: string, origin: string | null, edit: ContactEdit): Promise<boolean> {
    const ctx = this.context(contactUuid, origin);
    return this.serially(ctx, async (read) => {
      const world = await loadWorld(ctx);
      read.assets = world.assets;
      const contact = world.contact;
      if (!contact) return false;
      this.ctx.storage.transactionSync(() => applyEdit(ctx, world.assets, contact, edit));
      return true;
    });
  }

  /** The contact was added to these groups outside a flow (the API): their joined-group triggers start. */
  async joinedGroups(contactUuid: string, origin: string | null, groups: { uuid: string; name: string }[]): Promise<number> {
    const ctx = this.context(contactUuid, origin);
    return this.serially(ctx, async (read) => {
      // Its groups changed in D1.
      profile.drop(ctx.sql);
      const assets = (read.assets = await currentAssets(ctx.db, ctx.now()));
      return this.ctx.storage.transactionSync(() => queueGroupStarts(ctx.sql, assets, groups));
    });
  }

  /** A date-relative trigger was made or edited, or the API changed a date field: the contact's date timers are planned again. */
  async planDates(contactUuid: string): Promise<void> {
    const ctx = this.context(contactUuid, null);
    await this.serially(ctx, async (read) => void (read.assets = (await loadWorld(ctx)).assets));
  }

  /**
   * The contact was made by the API, or a smart group was made or given a new query (`group`, with
   * the query as the API saved it: assets older than that are read again): the contact's smart
   * groups are computed again (smart-groups.ts). Whether they changed.
   */
  async smartGroupsChanged(contactUuid: string, origin: string | null, group?: { uuid: string; query: string | null }): Promise<boolean> {
    const ctx = this.context(contactUuid, origin);
    return this.serially(ctx, async (read) => {
      let world = await loadWorld(ctx);
      if (group && (world.assets.engine.groups ?? []).find((g) => g.uuid === group.uuid)?.query !== (group.query ?? undefined)) {
        forgetAssets();
        world = await loadWorld(ctx);
      }
      read.assets = world.assets;
      const contact = world.contact;
      return !!world.contact; // serially computes them
    });
  }

  /**
   * The API added these addresses of the contact to the do-not-contact list, or removed them: the
   * object's copy follows, after the operation in progress (which may have read the list before).
   */
  async doNotContactChanged(addresses: string[], listed: boolean): Promise<void> {
    this.tables();
    await this.queue.run(async () => dnc.apply(this.ctx.storage.sql, addresses, listed));
  }

  async events(limit = 100): Promise<events.StoredEvent[]> {
    this.tables();
    return events.recent(this.ctx.storage.sql, limit);
  }

  /** What the object holds right now, for the console's contact page and for tests. */
  async state() {
    this.tables();
    const sql = this.ctx.storage.sql;
    const session = sessions.messaging(sql)?.session;
    const run = session && waitingRun(session);
    return {
      contactUuid: getMeta(sql, "contact_uuid"),
      session: session ? { uuid: session.uuid, status: session.status, flow: run?.flow ?? session.runs[0]?.flow, run: run?.uuid ?? null, wait: session.wait ?? null } : null,
      background: sessions.backgroundCount(sql),
      timers: timers.list(sql),
      outbox: outbox.all(sql),
      fanouts: fanouts.all(sql),
      alarm: await this.ctx.storage.getAlarm(),
    };
  }

  async describe(): Promise<{ contactUuid: string | null }> {
    this.tables();
    return { contactUuid: getMeta(this.ctx.storage.sql, "contact_uuid") };
  }

  async bind(contactUuid: string): Promise<void> {
    this.tables();
    setMeta(this.ctx.storage.sql, "contact_uuid", contactUuid);
  }

  override async alarm(): Promise<void> {
    this.tables();
    const contactUuid = getMeta(this.ctx.storage.sql, "contact_uuid");
    if (!contactUuid) return;
    const ctx = this.context(contactUuid, null);
    await this.serially(ctx, async () => {});
    await this.fanOut(ctx);
  }

  private fanning = false;

  /**
   * Broadcasts and starts of other contacts, a bounded step each, outside the queue: the contact's
   * own messages go on meanwhile, and a recipient that is this contact can't deadlock. The alarm
   * comes back for the next step.
   */
  private async fanOut(ctx: Ctx): Promise<void> {
    if (this.fanning) return;
    this.fanning = true;
    try {
      await runFanouts(ctx, this.env);
    } finally {
      this.fanning = false;
      const at = this.alarmAt(ctx);
      if (at !== null) await this.ctx.storage.setAlarm(Math.max(at, ctx.now()));
    }
  }

  /** The next alarm: at once when this invocation's budget stopped work that is due. */
  private alarmAt(ctx: Ctx): number | null {
    const at = nextAlarmAt(ctx.sql, ctx.now());
    return ctx.budget.exhausted && at !== null ? Math.min(at, ctx.now()) : at;
  }

  /** Who this object is and where the Worker is reachable, not yet stored (see `context`). */
  private unsaved: { contact_uuid?: string; origin?: string } = {};

  /**
   * Who this object is and where the Worker is reachable, remembered for alarms: stored with the
   * operation's first write (`saveIdentity`), not in a commit of their own.
   */
  private context(contactUuid: string, origin: string | null, booked: Record<string, number[]> = {}): Ctx {
    this.tables();
    const sql = this.ctx.storage.sql;
    if (getMeta(sql, "contact_uuid") !== contactUuid) this.unsaved.contact_uuid = contactUuid;
    if (origin && getMeta(sql, "origin") !== origin) this.unsaved.origin = origin;
    const budget = new Budget();
    return {
      db: meteredD1(this.env.DB, budget),
      sql,
      storage: this.ctx.storage,
      contactUuid,
      origin: origin ?? this.unsaved.origin ?? getMeta(sql, "origin"),
      now: () => Date.now(),
      budget,
      // Resolved at call time, so a fetch mock installed after this module loaded still sees the calls.
      fetch: (input, init) => {
        budget.subrequests++;
        return fetch(input, init);
      },
      reserveSlots: async (channelUuid, cfg, n, lane) => {
        // Slots booked already (a start's page) are taken first; only the rest cost a call.
        const mine = (booked[channelUuid] ?? []).splice(0, n);
        if (mine.length === n) return mine;
        budget.subrequests++;
        return [...mine, ...(await this.env.CHANNEL_RATE.getByName(channelUuid).reserve(cfg, n - mine.length, lane))];
      },
      writes: this.env.D1_WRITES,
    };
  }

  /**
   * Whatever changed the contact (an API edit, a new contact's first read, a message), its smart
   * groups follow their queries (smart-groups.ts); a flow's changes the engine has followed already.
   */
  private smartGroups(ctx: Ctx, assets: Assets | undefined): void {
    if (!assets || !hasSmartGroups(assets)) return;
    const kept = profile.get(ctx.sql)?.contact;
    if (kept) this.ctx.storage.transactionSync(() => refreshSmartGroups(ctx, assets, kept));
  }

  private saveIdentity(): void {
    for (const [key, value] of Object.entries(this.unsaved)) setMeta(this.ctx.storage.sql, key, value);
    this.unsaved = {};
  }

  /**
   * Runs an operation in the queue, then everything it left to do: pending inbox rows in arrival
   * order (each one's replies sent, and D1 written, before the next is handled), due timers, sends.
   * Finally the alarm is pointed at whatever comes next. The operation puts the assets it read in
   * `read`, so the sends after it don't read them from D1 again.
   */
  private serially<T>(ctx: Ctx, op: (read: { assets?: Assets }) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      try {
        await flushJournal(ctx);
        const read: { assets?: Assets } = {};
        const result = await op(read);
        // In the same commit as what the operation wrote (no I/O since its last write).
        this.saveIdentity();
        this.smartGroups(ctx, read.assets);
        for (let row = inbox.nextPending(ctx.sql); row && ctx.budget.allows(SPRINT_COST); row = inbox.nextPending(ctx.sql)) {
          let world;
          try {
            world = await handleInbound(ctx, row);
          } catch (e) {
            // Left pending (until it has failed too often), so the alarm tries it again, in order.
            console.error("contact", ctx.contactUuid, "inbound message failed:", e instanceof Error ? e.message : String(e));
            inbox.markAttempt(ctx.sql, row.id);
            break;
          }
          // The reply goes out first; its D1 rows (queued, then wired) are written together after.
          read.assets = world.assets;
          await sendDue(ctx, world);
          await flushJournal(ctx);
        }
        this.smartGroups(ctx, read.assets);
        await runPendingStarts(ctx);
        await fireDueTimers(ctx);
        // Only the assets: the contact's time zone is read when needed (a flush above may have changed it in D1).
        await sendDue(ctx, read.assets && { assets: read.assets });
        await flushJournal(ctx);
        replanDates(ctx.sql, read.assets, profile.get(ctx.sql)?.contact, ctx.now());
        inbox.prune(ctx.sql, ctx.now());
        outbox.prune(ctx.sql, ctx.now());
        fanouts.prune(ctx.sql, ctx.now());
        return result;
      } finally {
        const at = this.alarmAt(ctx);
        const current = await this.ctx.storage.getAlarm();
        if (at === null && current !== null) await this.ctx.storage.deleteAlarm();
        else if (at !== null && current !== at) await this.ctx.storage.setAlarm(at);
      }
    });
  }
}
