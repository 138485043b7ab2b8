import { quickReplyTexts, type BroadcastFields } from "../engine/events/msg";
import type { RunSummary, SessionHistory, SessionTriggered } from "../engine/events/session";
import { ApiError } from "../../worker/api/errors";
import { audienceWhere, checkAudience, namedContacts } from "../../worker/starts/audience";
import { begin, startStatements } from "../../worker/starts/create";
import type { Audience, StartOptions } from "../../worker/starts/spec";
import { SegmentError } from "../../worker/segments/parse";
import { derivedUuid } from "../../worker/uuid";
import { iso, type Ctx } from "./context";
import * as fanouts from "./storage/fanouts";

/**
 * How the alarm carries out broadcasts and starts of other contacts (docs/contact-session.md):
 * a broadcast calls up to `batch` recipients per step (fewer when the invocation's budget has less
 * left), `inFlight` at a time, reading the audience query `page` contacts at a time; a call that
 * throws is tried again up to `maxAttempts`. A step's D1 reads and writes (named recipients, a
 * few pages, a start's rows) stay within `stepOverhead`.
 */
export const fanOut = { batch: 100, inFlight: 10, page: 500, maxAttempts: 3, retryMs: 5_000, maxStepFailures: 10, stepOverhead: { subrequests: 20, queries: 100 } };

/** A chain of flows starting flows without the contact writing in between stops this deep (goflow's loop guard). */
export const MAX_ANCESTORS_SINCE_INPUT = 5;

/** What a start made by a flow's `start_session` passes to each contact: the run that is `@parent`, and the values for the flow's variables (its `_variables`). */
export interface ParentRun {
  run_summary: RunSummary;
  history: SessionHistory;
  variables?: Record<string, unknown>;
}

/** A start's options, with the parent run of a flow's start_session (the coordinator passes it on). */
export type FlowStartOptions = StartOptions & { parent?: ParentRun };

/**
 * Runs steps of the due fan-outs while the invocation's budget has room for one (at least one
 * recipient besides the step's overhead). Called by the alarm outside the contact's queue, so the
 * contact's own messages go on meanwhile and a recipient calling back (or the contact itself being
 * a recipient) cannot deadlock. The alarm, re-armed at once, comes back for the next steps.
 */
export async function runFanouts(ctx: Ctx, env: Env): Promise<void> {
  const step = { subrequests: fanOut.stepOverhead.subrequests + 1, queries: fanOut.stepOverhead.queries };
  for (;;) {
    const f = fanouts.nextDue(ctx.sql, ctx.now());
    if (!f || !ctx.budget.allows(step)) return;
    try {
      if (f.kind === "broadcast") await broadcastStep(ctx, env, f);
      else await startStep(ctx, env, f);
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      console.error("contact", ctx.contactUuid, `${f.kind} ${f.uuid} step failed:`, error);
      const attempts = f.attempts + 1;
      fanouts.update(ctx.sql, f.id, attempts >= fanOut.maxStepFailures ? { state: "failed", attempts, error } : { attempts, error, next_attempt_at: ctx.now() + Math.min(fanOut.retryMs * 2 ** f.attempts, 600_000) });
    }
  }
}

function fail(ctx: Ctx, f: fanouts.FanoutRow, error: string): void {
  console.error("contact", ctx.contactUuid, `${f.kind} ${f.uuid} not carried out:`, error);
  fanouts.update(ctx.sql, f.id, { state: "failed", error });
}

/**
 * A flow's `start_session`: recorded as a start (D1 `starts`, as the API makes one) and handed to
 * its coordinator, which starts each contact with a `flow_action` trigger whose run summary is
 * their `@parent`. Idempotent: the start's UUID is the fan-out's, and a recorded start is kept.
 */
async function startStep(ctx: Ctx, env: Env, f: fanouts.FanoutRow): Promise<void> {
  const p = JSON.parse(f.payload) as SessionTriggered;
  if ((p.history?.ancestors_since_input ?? 0) >= MAX_ANCESTORS_SINCE_INPUT) {
    return fail(ctx, f, `too many flows started in a row without the contact writing (${p.history.ancestors_since_input}): a loop?`);
  }
  const at = iso(ctx.now());
  // goflow's start_session skips contacts that no longer exist.
  const wanted = (p.contacts ?? []).map((c) => c.uuid);
  const existing = new Set<string>();
  for (let i = 0; i < wanted.length; i += 90) {
    const chunk = wanted.slice(i, i + 90);
    const rows = await ctx.db.prepare(`SELECT uuid FROM contacts WHERE uuid IN (${chunk.map(() => "?").join(",")})`).bind(...chunk).all<{ uuid: string }>();
    for (const r of rows.results) existing.add(r.uuid);
  }
  const contacts = wanted.filter((u) => existing.has(u));
  if (p.create_contact) {
    // A new contact, the same one however often this step is retried.
    const created = await derivedUuid(`${f.uuid}:create_contact`);
    await ctx.db.prepare("INSERT OR IGNORE INTO contacts (uuid, created_on, modified_on) VALUES (?, ?, ?)").bind(created, at, at).run();
    contacts.push(created);
  }
  const audience: Audience = {
    ...(contacts.length ? { contacts } : {}),
    ...(p.urns?.length ? { urns: p.urns } : {}),
    ...(p.groups?.length ? { groups: p.groups.map((g) => g.uuid) } : {}),
    ...(p.contact_query ? { query: p.contact_query } : {}),
  };
  if (!Object.keys(audience).length) {
    fanouts.update(ctx.sql, f.id, { state: "done" });
    return;
  }
  try {
    await checkAudience(ctx.db, audience);
  } catch (e) {
    if (e instanceof ApiError) return fail(ctx, f, e.message);
    throw e;
  }
  const options: FlowStartOptions = { interrupt: !p.exclusions?.in_a_flow, parent: { run_summary: p.run_summary, history: p.history, ...(p._variables ? { variables: p._variables } : {}) } };
  await ctx.db.batch(await startStatements(ctx.db, { uuid: f.uuid, flowUuid: p.flow.uuid, audience, options, origin: ctx.origin }, at));
  ctx.budget.subrequests++;
  await begin(env, f.uuid);
  fanouts.update(ctx.sql, f.id, { state: "done", error: null });
}

/**
 * A flow's `send_broadcast`, one bounded step: the named recipients (contacts, and the owners of
 * the URNs, created when new) become targets first, then the groups and query are read a page at
 * a time in contact UUID order. Each target gets the message through its own object's
 * `sendMessage`, with a message id derived from the broadcast and the contact, so a call repeated
 * after a crash queues nothing twice.
 */
async function broadcastStep(ctx: Ctx, env: Env, f: fanouts.FanoutRow): Promise<void> {
  const p = JSON.parse(f.payload) as BroadcastFields;
  if (f.phase === 0) {
    const named = await namedContacts(ctx.db, { contacts: (p.contacts ?? []).map((c) => c.uuid), urns: p.urns ?? [] } as Audience, iso(ctx.now()));
    ctx.storage.transactionSync(() => {
      fanouts.addTargets(ctx.sql, f.id, named);
      fanouts.update(ctx.sql, f.id, { phase: 1, cursor: "" });
    });
    f.phase = 1;
    f.cursor = "";
  }
  // As many recipients as the invocation has subrequests for, after this step's own reads.
  const size = Math.max(0, Math.min(fanOut.batch, ctx.budget.subrequestsLeft() - fanOut.stepOverhead.subrequests));
  let pending = fanouts.pendingTargets(ctx.sql, f.id, size);
  // A page of inactive contacts only adds no target: the next page is read (a few per step at most).
  for (let pages = 0; !pending.length && f.phase === 1 && pages < 5; pages++) {
    await readPage(ctx, f, p);
    pending = fanouts.pendingTargets(ctx.sql, f.id, size);
  }

  const base = p.translations[p.base_language] ?? Object.values(p.translations)[0] ?? { text: "" };
  let next = 0;
  const worker = async () => {
    while (next < pending.length) {
      const t = pending[next++];
      try {
        ctx.budget.subrequests++;
        const r = await env.CONTACTS.getByName(t.contact_uuid).sendMessage(t.contact_uuid, ctx.origin ?? "", {
          uuid: await derivedUuid(`${f.uuid}:${t.contact_uuid}`),
          text: base.text,
          attachments: base.attachments ?? [],
          quickReplies: quickReplyTexts(base.quick_replies),
          translations: p.translations,
          baseLanguage: p.base_language,
        });
        if ("uuid" in r) fanouts.settleTarget(ctx.sql, f.id, t.contact_uuid, r.skipped ? "skipped" : "sent", r.skipped ?? null);
        else fanouts.settleTarget(ctx.sql, f.id, t.contact_uuid, "failed", r.error);
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        fanouts.settleTarget(ctx.sql, f.id, t.contact_uuid, t.attempts + 1 >= fanOut.maxAttempts ? "failed" : "pending", error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(fanOut.inFlight, pending.length) }, worker));

  const left = fanouts.pendingTargets(ctx.sql, f.id, 1);
  if (!left.length && f.phase >= 2) fanouts.update(ctx.sql, f.id, { state: "done" });
  else fanouts.update(ctx.sql, f.id, { next_attempt_at: ctx.now() + (left.length && left[0].attempts > 0 ? fanOut.retryMs : 0) });
}

/**
 * The next page of the broadcast's groups and query, its active contacts recorded as targets with
 * the cursor. The page is read without the status condition (which would let a short page, of
 * bounded group reads, end the broadcast early), so each group is read only as far as the page
 * reaches (`audienceWhere`'s page); inactive contacts are left out here. A page shorter than the
 * page size is the end of the audience.
 */
async function readPage(ctx: Ctx, f: fanouts.FanoutRow, p: BroadcastFields): Promise<void> {
  const done = (error: string | null = null) => {
    fanouts.update(ctx.sql, f.id, { phase: 2, ...(error ? { error } : {}) });
    f.phase = 2;
  };
  if (!p.groups?.length && !p.contact_query) return done();
  let where;
  try {
    // Bound after ?1 (cursor) and ?2 (page size).
    where = await audienceWhere(ctx.db, f.uuid, { groups: (p.groups ?? []).map((g) => g.uuid), ...(p.contact_query ? { query: p.contact_query } : {}) } as Audience, 2, { cursor: "?1", limit: "?2" });
  } catch (e) {
    if (e instanceof SegmentError) return done(`contact query: ${e.message}`);
    throw e;
  }
  const rows = await ctx.db
    .prepare(`SELECT contacts.uuid AS uuid, contacts.status AS status FROM contacts WHERE contacts.uuid > ?1 AND (${where.where}) ORDER BY contacts.uuid LIMIT ?2`)
    .bind(f.cursor ?? "", fanOut.page, ...where.params)
    .all<{ uuid: string; status: string }>();
  const page = rows.results.map((r) => r.uuid);
  const active = rows.results.filter((r) => r.status === "active").map((r) => r.uuid);
  ctx.storage.transactionSync(() => {
    fanouts.addTargets(ctx.sql, f.id, active);
    if (page.length) fanouts.update(ctx.sql, f.id, { cursor: page[page.length - 1] });
    if (page.length < fanOut.page) fanouts.update(ctx.sql, f.id, { phase: 2 });
  });
  if (page.length) f.cursor = page[page.length - 1];
  if (page.length < fanOut.page) f.phase = 2;
}
