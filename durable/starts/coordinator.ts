import { DurableObject } from "cloudflare:workers";
import { audienceWhere, type Where } from "../../worker/starts/audience";
import type { Audience, SkipReason } from "../../worker/starts/spec";
import type { FlowStartOptions, ParentRun } from "../contact/fanout";
import { bookPage, sendsOnEntry, type SendSlots } from "./send-slots";
import { entryWindowRefusal } from "../contact/settings";

/**
 * How a start paces itself. `pageGapMs` spaces pages out (0: back to back); a page that fails is
 * tried again after `retryMs`, doubling, up to `leaseMs`, the alarm each page sets before it
 * starts; tests and the benchmark change these.
 */
export const fanOut = { pageSize: 500, inFlight: 50, maxAttempts: 3, pageGapMs: 0, retryMs: 1000, leaseMs: 5 * 60_000 };

export type StartStatus = "pending" | "running" | "completed" | "cancelled" | "failed";
export type Progress = { targeted: number; started: number; skipped: Record<SkipReason, number>; failed: number; pending: number };

/** What the first alarm reads from D1 and keeps, so later pages see the start as it was. */
type Plan = {
  flowUuid: string;
  interrupt: boolean;
  params?: Record<string, unknown>;
  /** A start made by a flow's start_session: the run each contact's session has as @parent. */
  parent?: ParentRun;
  origin: string;
  where: Where;
  /** Contacts who entered the flow at or after this instant are skipped; null: nobody is. */
  cutoff: string | null;
  /** Messages the flow's entry node sends: each page books their send slots in one call per channel. */
  sends?: number;
  /** The start's pace (options.per_minute): pages of this many contacts, a minute apart. */
  perMinute?: number;
};

const MINUTE_MS = 60_000;
const pageSizeOf = (plan: Plan) => (plan.perMinute ? Math.min(plan.perMinute, fanOut.pageSize) : fanOut.pageSize);

type Target = { contact_uuid: string; attempts: number };

const TABLES = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // One row per contact of the audience, written before its object is called: a contact is
  // started at most once per start. state: pending (to call), started, skipped, failed.
  `CREATE TABLE IF NOT EXISTS targets (
    contact_uuid TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    reason TEXT,
    detail TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
  )`,
  `CREATE INDEX IF NOT EXISTS targets_state ON targets (state, reason)`,
  // The progress, kept by triggers as targets are recorded and settled: reading it costs the
  // same at 100 targets as at a million (counting the targets on every page would not).
  `CREATE TABLE IF NOT EXISTS target_counts (state TEXT NOT NULL, reason TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (state, reason))`,
  `CREATE TRIGGER IF NOT EXISTS targets_counted AFTER INSERT ON targets BEGIN
    INSERT OR IGNORE INTO target_counts (state, reason, n) VALUES (NEW.state, coalesce(NEW.reason, ''), 0);
    UPDATE target_counts SET n = n + 1 WHERE state = NEW.state AND reason = coalesce(NEW.reason, '');
  END`,
  `CREATE TRIGGER IF NOT EXISTS targets_recounted AFTER UPDATE OF state, reason ON targets
   WHEN OLD.state IS NOT NEW.state OR OLD.reason IS NOT NEW.reason BEGIN
    UPDATE target_counts SET n = n - 1 WHERE state = OLD.state AND reason = coalesce(OLD.reason, '');
    INSERT OR IGNORE INTO target_counts (state, reason, n) VALUES (NEW.state, coalesce(NEW.reason, ''), 0);
    UPDATE target_counts SET n = n + 1 WHERE state = NEW.state AND reason = coalesce(NEW.reason, '');
  END`,
];

const FINAL: StartStatus[] = ["completed", "cancelled", "failed"];

/** The contact object's skip reasons, by their text. */
function skipReason(reason: string): SkipReason {
  if (/messaging flow/.test(reason)) return "in_flow";
  if (/^the contact is (blocked|stopped|archived)$/.test(reason)) return "inactive";
  return "other";
}

/**
 * One object per start (`env.STARTS.getByName(startUuid)`). Its alarm pages through the audience
 * in D1 by contact UUID and starts the flow in each contact's object, a bounded number at a time.
 * The cursor and every contact's outcome are in its storage, so after a crash the next alarm goes
 * on where it stopped; progress is written back to the start's D1 row after every page.
 */
export class StartCoordinator extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    for (const t of TABLES) this.sql.exec(t);
  }

  /** Sets the start going; calling it again (a retried request, the cron's sweep) does nothing. */
  async begin(startUuid: string): Promise<void> {
    if (this.meta("start")) return;
    this.setMeta("start", startUuid);
    this.setMeta("status", "pending");
    await this.ctx.storage.setAlarm(Date.now());
  }

  /** Stops the paging; calls already in flight finish. Returns the status it ends in. */
  async cancel(startUuid: string): Promise<StartStatus> {
    if (!this.meta("start")) this.setMeta("start", startUuid);
    const status = this.status();
    if (FINAL.includes(status)) return status;
    this.setMeta("status", "cancelled");
    await this.ctx.storage.deleteAlarm();
    await this.report();
    return "cancelled";
  }

  async progress(): Promise<{ status: StartStatus; progress: Progress }> {
    return { status: this.status(), progress: this.counts() };
  }

  /**
   * Gives a start that is not finished its alarm back if it has none (the cron's sweep calls it for
   * starts that stopped reporting). Does nothing to a start whose alarm is set. Returns whether it
   * set one.
   */
  async resume(): Promise<boolean> {
    if (!this.meta("start") || this.reported()) return false;
    if ((await this.ctx.storage.getAlarm()) !== null) return false;
    await this.ctx.storage.setAlarm(Date.now());
    return true;
  }

  /** The page just read: each contact's first URN (`scheme channel_uuid?`), and the send slots booked for it. */
  private dests = new Map<string, string | null>();
  private slots = new Map<string, SendSlots>();

  /** Set while an alarm runs, so a lease's alarm arriving meanwhile leaves the page to it. */
  private paging = false;

  override async alarm(): Promise<void> {
    const startUuid = this.meta("start");
    if (!startUuid || this.reported() || this.paging) return;
    // The next alarm is set before anything can fail: if this one throws past the runtime's
    // retries, or the object is reset mid-page, the start still goes on.
    await this.ctx.storage.setAlarm(Date.now() + fanOut.leaseMs);
    this.paging = true;
    try {
      // Finished, but the final report did not reach D1: only the report is left to do.
      if (FINAL.includes(this.status())) await this.report().then(() => this.ctx.storage.deleteAlarm());
      else await this.page(startUuid);
      if (this.meta("failures")) this.sql.exec("DELETE FROM meta WHERE key = 'failures'");
    } catch (e) {
      // D1 failed or was overloaded (reading a page, writing the progress): the page is tried
      // again later, backing off; the cursor and outcomes already stored are kept.
      const failures = Number(this.meta("failures") ?? 0) + 1;
      this.setMeta("failures", String(failures));
      console.error("start", startUuid, `page failed (${failures}):`, e instanceof Error ? e.message : String(e));
      await this.ctx.storage.setAlarm(Date.now() + Math.min(fanOut.retryMs * 2 ** (failures - 1), fanOut.leaseMs));
    } finally {
      this.paging = false;
    }
  }

  /** One page: plan (first time), read, call the contacts, report, and set the next alarm or finish. */
  private async page(startUuid: string): Promise<void> {
    const plan = this.plan() ?? (await this.makePlan(startUuid));
    if (!plan) return this.ctx.storage.deleteAlarm();

    let pending = this.pending(pageSizeOf(plan));
    this.dests.clear();
    if (!pending.length && !this.meta("exhausted")) pending = await this.readPage(plan);
    // The page's sends booked in one call per channel (contacts retried later book their own).
    const fresh = pending.filter((t) => t.attempts === 0 && this.dests.has(t.contact_uuid));
    this.slots = await bookPage(this.env, fresh.map((t) => ({ uuid: t.contact_uuid, dest: this.dests.get(t.contact_uuid) ?? null })), plan.sends ?? 0);
    await this.startAll(plan, pending);

    if (this.status() !== "running") {
      // Cancelled meanwhile: cancel() reported, but not the outcomes of the calls then in flight.
      await this.ctx.storage.deleteAlarm();
      await this.report();
      return;
    }
    const left = this.pending(pageSizeOf(plan));
    if (!left.length && this.meta("exhausted")) {
      this.setMeta("status", "completed");
      await this.ctx.storage.deleteAlarm();
      await this.report();
      return;
    }
    await this.report();
    const retrying = left.some((t) => t.attempts > 0);
    // A paced start's next page waits a minute, which leaves the start idle (and cancellable) meanwhile.
    await this.ctx.storage.setAlarm(Date.now() + (retrying ? fanOut.retryMs : plan.perMinute ? Math.max(MINUTE_MS, fanOut.pageGapMs) : fanOut.pageGapMs));
  }

  private async makePlan(startUuid: string): Promise<Plan | null> {
    const db = this.env.DB;
    const row = await db
      .prepare(
        `SELECT s.flow_uuid, s.audience, s.options, s.origin, s.created_on, f.status AS flow_status, f.type AS flow_type, f.published_version, f.entry_window, v.definition
         FROM starts s JOIN flows f ON f.uuid = s.flow_uuid LEFT JOIN flow_versions v ON v.flow_uuid = f.uuid AND v.version = f.published_version WHERE s.uuid = ?`,
      )
      .bind(startUuid)
      .first<{ flow_uuid: string; audience: string; options: string; origin: string | null; created_on: string; flow_status: string; flow_type: string; published_version: number | null; entry_window: string | null; definition: string | null }>();
    if (!row) {
      this.setMeta("status", "failed");
      return null;
    }
    if (row.flow_status !== "active" || row.published_version === null) {
      this.setMeta("status", "failed");
      await this.report(`the flow is ${row.published_version === null ? "not published" : row.flow_status}`);
      return null;
    }
    // Every contact would be skipped: the start fails at once instead of calling each (docs/flow-settings.md).
    const closed = entryWindowRefusal(row.entry_window ? JSON.parse(row.entry_window) : null, Date.now());
    if (closed) {
      this.setMeta("status", "failed");
      await this.report(closed);
      return null;
    }
    const audience = JSON.parse(row.audience) as Audience;
    const options = JSON.parse(row.options) as FlowStartOptions;
    const days = options.exclude_started_within_days;
    const plan: Plan = {
      flowUuid: row.flow_uuid,
      interrupt: options.interrupt ?? true,
      ...(options.params ? { params: options.params } : {}),
      ...(options.parent ? { parent: options.parent } : {}),
      origin: row.origin ?? "",
      // The page query binds ?1..?4 itself (cursor, limit, flow, cutoff); the audience's follow.
      where: await audienceWhere(db, startUuid, audience, 4, { cursor: "?1", limit: "?2" }),
      cutoff: days ? new Date(Date.parse(row.created_on) - days * 86_400_000).toISOString() : null,
      // Not when the contacts' objects may skip many of them (in a messaging flow, not interrupted):
      // a booked slot cannot be given back without breaking the rate, so it would go unused.
      ...(options.per_minute ? { perMinute: options.per_minute } : {}),
      sends: options.interrupt === false && row.flow_type === "messaging" ? 0 : sendsOnEntry(row.definition ? JSON.parse(row.definition) : null),
    };
    this.ctx.storage.transactionSync(() => {
      this.setMeta("plan", JSON.stringify(plan));
      this.setMeta("status", "running");
    });
    await this.report();
    return plan;
  }

  /**
   * The next page of the audience, recorded with the cursor in one transaction: contacts that a
   * rule skips are settled here, the rest are pending, to be called.
   */
  private async readPage(plan: Plan): Promise<Target[]> {
    const rows = await this.env.DB.prepare(
      `SELECT contacts.uuid AS uuid, contacts.status AS status,
       (?4 IS NOT NULL AND EXISTS (SELECT 1 FROM runs WHERE runs.contact_uuid = contacts.uuid AND runs.flow_uuid = ?3 AND runs.created_on >= ?4)) AS recent,
       (SELECT u.scheme || ' ' || coalesce(u.channel_uuid, '') FROM contact_urns u WHERE u.contact_uuid = contacts.uuid ORDER BY u.priority, u.scheme, u.path LIMIT 1) AS dest
       FROM contacts
       WHERE contacts.uuid > ?1 AND (${plan.where.where}) ORDER BY contacts.uuid LIMIT ?2`,
    )
      .bind(this.meta("cursor") ?? "", pageSizeOf(plan), plan.flowUuid, plan.cutoff, ...plan.where.params)
      .all<{ uuid: string; status: string; recent: number; dest: string | null }>();
    const page = rows.results;
    this.dests = new Map(page.map((r) => [r.uuid, r.dest]));
    this.ctx.storage.transactionSync(() => {
      for (const r of page) {
        const skip: SkipReason | null = r.status !== "active" ? "inactive" : r.recent ? "started_recently" : null;
        this.sql.exec("INSERT OR IGNORE INTO targets (contact_uuid, state, reason) VALUES (?, ?, ?)", r.uuid, skip ? "skipped" : "pending", skip);
      }
      if (page.length) this.setMeta("cursor", page[page.length - 1].uuid);
      if (page.length < pageSizeOf(plan)) this.setMeta("exhausted", "1");
    });
    return this.pending(pageSizeOf(plan));
  }

  /**
   * Outcomes not yet written: written `inFlight` at a time, in one transaction, rather than one
   * commit per contact. One lost in a crash leaves its target pending, and calling that contact
   * again gets the same answer (its object remembers the start).
   */
  private outcomes: [contact: string, state: string, reason: SkipReason | null, detail: string | null][] = [];

  /** Calls the contacts' objects, at most `inFlight` at once, until done or cancelled. */
  private async startAll(plan: Plan, targets: Target[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < targets.length && this.status() === "running") {
        await this.startOne(plan, targets[next++]);
        if (this.outcomes.length >= fanOut.inFlight) this.writeOutcomes();
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(fanOut.inFlight, targets.length) }, worker));
    } finally {
      this.writeOutcomes();
    }
  }

  private writeOutcomes(): void {
    const list = this.outcomes;
    this.outcomes = [];
    this.ctx.storage.transactionSync(() => {
      for (const [contact, state, reason, detail] of list) {
        this.sql.exec("UPDATE targets SET state = ?, reason = ?, detail = ?, attempts = attempts + 1 WHERE contact_uuid = ?", state, reason, detail, contact);
      }
    });
  }

  private async startOne(plan: Plan, target: Target): Promise<void> {
    const contact = target.contact_uuid;
    try {
      const r = await this.env.CONTACTS.getByName(contact).startFlow(contact, plan.origin, {
        flowUuid: plan.flowUuid,
        interrupt: plan.interrupt,
        ...(plan.params ? { params: plan.params } : {}),
        ...(plan.parent ? { parent: plan.parent } : {}),
        ...(this.slots.has(contact) ? { sendSlots: this.slots.get(contact) } : {}),
        startUuid: this.meta("start")!,
      });
      if (r.status === "started") this.settle(contact, "started", null, null);
      else if (r.status === "skipped") this.settle(contact, "skipped", skipReason(r.reason), r.reason);
      else this.settle(contact, "failed", null, r.reason);
    } catch (e) {
      // The call itself failed (object overloaded, reset...): tried again by a later alarm, up to a limit.
      const detail = e instanceof Error ? e.message : String(e);
      if (target.attempts + 1 >= fanOut.maxAttempts) this.settle(contact, "failed", null, detail);
      else this.sql.exec("UPDATE targets SET attempts = attempts + 1, detail = ? WHERE contact_uuid = ?", detail, contact);
    }
  }

  private settle(contact: string, state: string, reason: SkipReason | null, detail: string | null): void {
    this.outcomes.push([contact, state, reason, detail]);
  }

  private pending(size: number): Target[] {
    return this.sql.exec<Target>("SELECT contact_uuid, attempts FROM targets WHERE state = 'pending' LIMIT ?", size).toArray();
  }

  private counts(): Progress {
    const p: Progress = { targeted: 0, started: 0, skipped: { in_flow: 0, started_recently: 0, inactive: 0, other: 0 }, failed: 0, pending: 0 };
    for (const r of this.sql.exec<{ state: string; reason: SkipReason | ""; n: number }>("SELECT state, reason, n FROM target_counts")) {
      p.targeted += r.n;
      if (r.state === "started") p.started += r.n;
      else if (r.state === "failed") p.failed += r.n;
      else if (r.state === "pending") p.pending += r.n;
      else if (r.reason) p.skipped[r.reason] += r.n;
    }
    return p;
  }

  /** Writes status and counts to the start's D1 row. */
  private async report(error: string | null = null): Promise<void> {
    const status = this.status();
    const c = this.counts();
    const now = new Date().toISOString();
    await this.env.DB.prepare(
      `UPDATE starts SET status = ?, targeted = ?, started = ?, skipped_in_flow = ?, skipped_recent = ?, skipped_inactive = ?, skipped_other = ?,
       failed = ?, error = coalesce(?, error), modified_on = ?, finished_on = ? WHERE uuid = ?`,
    )
      .bind(status, c.targeted, c.started, c.skipped.in_flow, c.skipped.started_recently, c.skipped.inactive, c.skipped.other, c.failed, error, now, FINAL.includes(status) ? now : null, this.meta("start"))
      .run();
    if (FINAL.includes(status)) this.setMeta("reported", status);
  }

  /** Finished, and D1 has been told. */
  private reported(): boolean {
    const status = this.status();
    return FINAL.includes(status) && this.meta("reported") === status;
  }

  private plan(): Plan | null {
    const json = this.meta("plan");
    return json ? (JSON.parse(json) as Plan) : null;
  }

  private status(): StartStatus {
    return (this.meta("status") as StartStatus | null) ?? "pending";
  }

  private meta(key: string): string | null {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ?? null;
  }

  private setMeta(key: string, value: string): void {
    this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }
}
