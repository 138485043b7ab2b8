import type { Ctx } from "./context";
import { getMeta, setMeta } from "./storage/schema";
import * as journal from "./storage/journal";

/**
 * The journal's D1 writes, carried out two ways (docs/contact-session.md, "Written behind"):
 * - **through**: this object writes its entries to D1 itself, in as few batches as fit;
 * - **behind**: it hands them to the D1_WRITES queue, whose consumer (worker/d1-writes/) writes up
 *   to 100 contacts' entries in one D1 transaction. A start of many contacts writes behind, so D1
 *   gets one write transaction per page of contacts instead of one per contact.
 * Either way every batch carries a guard that moves D1's watermark for the contact
 * (`d1_watermarks`) from the entry before it to its last one, in the same transaction: an entry
 * lands once, and never before the entries it follows. Written through while earlier entries are
 * still in the queue, the guard fails, and the entries follow them into the queue.
 */

/** Statements per D1 batch; an entry is never split, so each stays atomic. */
const BATCH_STATEMENTS = 100;

/** A queue message: one contact's consecutive journal entries. */
export interface WrittenBehind {
  contact: string;
  entries: { seq: number; statements: journal.Statement[] }[];
}

/** Cloudflare takes a queue message of at most 128 KB and a sendBatch of at most 256 KB and 100 messages. */
const MAX_MESSAGE_BYTES = 120_000;
const MAX_SEND_BYTES = 240_000;
const MAX_SEND_MESSAGES = 100;
/** Statements per message (unless one entry has more), so the consumer can write a message with others in a transaction. */
const MAX_MESSAGE_STATEMENTS = 200;

/** After handing entries to the queue, later ones follow them there this long (the consumer's batch wait, and some). */
const FOLLOW_MS = 5_000;

/**
 * The statement that moves the contact's watermark from `from - 1` to `to`, and aborts the
 * transaction it is in (seq is NOT NULL) when the watermark is anywhere else: an entry already
 * carried out, or one before it still missing.
 */
export function guard(contact: string, from: number, to: number): journal.Statement {
  return {
    sql: `INSERT INTO d1_watermarks (contact_uuid, seq)
      VALUES (?1, CASE WHEN ?2 = 1 OR EXISTS (SELECT 1 FROM d1_watermarks WHERE contact_uuid = ?1) THEN ?3 END)
      ON CONFLICT (contact_uuid) DO UPDATE SET seq = CASE WHEN d1_watermarks.seq = ?2 - 1 THEN ?3 END`,
    params: [contact, from, to],
  };
}

/** Whether D1's error is a guard's: the watermark was not where the entries expected it. */
export const outOfOrder = (message: string) => /NOT NULL constraint failed: d1_watermarks\.seq/i.test(message);

/** `refused`: D1 refused the data (a constraint), which no retry changes; `out_of_order`: a guard did not hold; `failed`: anything else. */
export type Outcome = "ok" | "refused" | "out_of_order" | "failed";

export function outcome(error: unknown): Outcome {
  const message = error instanceof Error ? error.message : String(error);
  if (outOfOrder(message)) return "out_of_order";
  console.error("D1 write failed:", message);
  return /SQLITE_CONSTRAINT|constraint failed/i.test(message) ? "refused" : "failed";
}

/**
 * Carries out the D1 writes that the journal holds, oldest first. Written through, when a batch
 * fails its entries are tried one by one, in order, up to the first that fails: that one backs
 * off (journal.ts) and the entries after it wait behind it, so a later write (a message's status)
 * never lands before an earlier one (the message's row), and nothing is ever dropped.
 */
export async function flushJournal(ctx: Ctx): Promise<void> {
  const entries = journal.pending(ctx.sql);
  // The oldest is backing off: everything waits for it (the alarm comes back then).
  if (!entries.length || entries[0].next_attempt_at > ctx.now()) return;
  if (ctx.writes && (ctx.behind || Number(getMeta(ctx.sql, "follow_queue_until") ?? 0) > ctx.now())) {
    await handOver(ctx, entries);
    return;
  }
  const batches: journal.JournalEntry[][] = [];
  let size = Infinity;
  for (const e of entries) {
    if (size + e.statements.length > BATCH_STATEMENTS) {
      batches.push([]);
      size = 0;
    }
    batches[batches.length - 1].push(e);
    size += e.statements.length;
  }
  for (const [i, batch] of batches.entries()) {
    if (!ctx.budget.allows({ subrequests: 1 + batch.length, queries: BATCH_STATEMENTS * 2 })) return;
    const result = await run(ctx, batch);
    if (result === "ok") {
      journal.done(ctx.sql, batch);
      continue;
    }
    if (result === "out_of_order") {
      await outOfOrderHere(ctx, batches.slice(i).flat());
      return;
    }
    for (const e of batch) {
      const alone = await run(ctx, [e]);
      if (alone === "refused" ? !(await runEachSkippingRefused(ctx, e)) : alone !== "ok") {
        journal.failed(ctx.sql, e, ctx.now());
        return;
      }
      journal.done(ctx.sql, [e]);
    }
  }
}

/**
 * A guard did not hold: either these entries landed already (the object died between writing
 * them and marking them done) or earlier ones are still in the queue. D1's watermark says which.
 */
async function outOfOrderHere(ctx: Ctx, entries: journal.JournalEntry[]): Promise<void> {
  if (!ctx.budget.allows({ subrequests: 1, queries: 1 })) return;
  const mark = (await ctx.db.prepare("SELECT seq FROM d1_watermarks WHERE contact_uuid = ?").bind(ctx.contactUuid).first<{ seq: number }>())?.seq ?? 0;
  const landed = entries.filter((e) => e.seq <= mark);
  journal.done(ctx.sql, landed);
  const rest = entries.slice(landed.length);
  if (rest.length && ctx.writes) await handOver(ctx, rest);
}

/**
 * Hands the entries to the D1_WRITES queue, packed into messages of consecutive entries; once the
 * queue has them they are done here (a queue keeps what it accepted). An entry too large for a
 * message is written through, guarded like the rest.
 */
async function handOver(ctx: Ctx, entries: journal.JournalEntry[]): Promise<void> {
  const queue = ctx.writes!;
  const encoder = new TextEncoder();
  let at = 0;
  while (at < entries.length) {
    // One sendBatch: messages of consecutive entries, up to the queue's limits.
    const messages: { body: WrittenBehind; bytes: number; entries: journal.JournalEntry[] }[] = [];
    let sendBytes = 0;
    while (at < entries.length && messages.length < MAX_SEND_MESSAGES) {
      const e = entries[at];
      const bytes = encoder.encode(JSON.stringify(e.statements)).length + 32;
      if (bytes > MAX_MESSAGE_BYTES) break;
      const last = messages[messages.length - 1];
      const statements = (last?.body.entries ?? []).reduce((n, x) => n + x.statements.length, 0) + e.statements.length;
      if (last && last.bytes + bytes <= MAX_MESSAGE_BYTES && statements <= MAX_MESSAGE_STATEMENTS && sendBytes + bytes <= MAX_SEND_BYTES) {
        last.body.entries.push({ seq: e.seq, statements: e.statements });
        last.entries.push(e);
        last.bytes += bytes;
      } else if (sendBytes + bytes <= MAX_SEND_BYTES) {
        messages.push({ body: { contact: ctx.contactUuid, entries: [{ seq: e.seq, statements: e.statements }] }, bytes, entries: [e] });
      } else break;
      sendBytes += bytes;
      at++;
    }
    if (messages.length) {
      if (!ctx.budget.allows({ subrequests: 1, queries: 0 })) return;
      ctx.budget.subrequests++;
      try {
        await queue.sendBatch(messages.map((m) => ({ body: m.body, contentType: "json" as const })));
      } catch (e) {
        console.error("D1 write-behind: the queue refused a batch:", e instanceof Error ? e.message : String(e));
        journal.failed(ctx.sql, messages[0].entries[0], ctx.now());
        return;
      }
      journal.done(ctx.sql, messages.flatMap((m) => m.entries));
      setMeta(ctx.sql, "follow_queue_until", String(ctx.now() + FOLLOW_MS));
      continue;
    }
    // Too large for a message: through, in its turn (the queue's earlier entries first, so it may wait).
    const big = entries[at];
    if (!ctx.budget.allows({ subrequests: 1, queries: BATCH_STATEMENTS * 2 })) return;
    const result = await run(ctx, [big]);
    if (result !== "ok") {
      journal.failed(ctx.sql, big, ctx.now());
      return;
    }
    journal.done(ctx.sql, [big]);
    at++;
  }
}

/**
 * An entry D1 refuses for its data (a constraint: the group a flow added the contact to was
 * deleted meanwhile) would otherwise hold up every later write forever: its statements are carried
 * out one at a time and those D1 refuses are left out, logged; then its guard alone. They are
 * idempotent, so a retry after a passing failure does no harm. False when D1 failed otherwise (the
 * entry backs off).
 */
async function runEachSkippingRefused(ctx: Ctx, e: journal.JournalEntry): Promise<boolean> {
  for (const [i, statement] of e.statements.entries()) {
    if (!ctx.budget.allows({ subrequests: 1, queries: 1 })) return false;
    const r = await runStatements(ctx, [statement]);
    // Say which statement, never its parameters (message texts, URNs).
    if (r === "refused") console.error(`D1 write-through: journal entry ${e.id} statement ${i} refused by D1 and left out: ${statement.sql.trim().split(/\s+/).slice(0, 4).join(" ")} …`);
    else if (r !== "ok") return false;
  }
  return (await runStatements(ctx, [guard(ctx.contactUuid, e.seq, e.seq)])) === "ok";
}

/** The entries' statements after their guard, in one transaction. */
function run(ctx: Ctx, entries: journal.JournalEntry[]): Promise<Outcome> {
  return runStatements(ctx, [guard(ctx.contactUuid, entries[0].seq, entries[entries.length - 1].seq), ...entries.flatMap((e) => e.statements)]);
}

async function runStatements(ctx: Ctx, list: journal.Statement[]): Promise<Outcome> {
  const db = ctx.db;
  const statements = list.map((s) => db.prepare(s.sql).bind(...s.params));
  ctx.budget.writeQueries += statements.length;
  try {
    await db.batch(statements);
    ctx.budget.writes++;
    return "ok";
  } catch (e) {
    return outcome(e);
  }
}
