import type { Ctx } from "./context";
import * as journal from "./storage/journal";

/** Statements per D1 batch; an entry is never split, so each stays atomic. */
const BATCH_STATEMENTS = 100;

/**
 * Carries out the D1 writes that the journal holds, oldest first, in as few batches as fit. When
 * a batch fails, its entries are tried one by one, in order, up to the first that fails: that one
 * backs off (journal.ts) and the entries after it wait behind it, so a later write (a message's
 * status) never lands before an earlier one (the message's row), and nothing is ever dropped.
 */
export async function flushJournal(ctx: Ctx): Promise<void> {
  const entries = journal.pending(ctx.sql);
  // The oldest is backing off: everything waits for it (the alarm comes back then).
  if (entries.length && entries[0].next_attempt_at > ctx.now()) return;
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
  for (const batch of batches) {
    if (!ctx.budget.allows({ subrequests: 1 + batch.length, queries: BATCH_STATEMENTS * 2 })) return;
    if ((await run(ctx, batch)) === "ok") {
      journal.done(ctx.sql, batch.map((e) => e.id));
      continue;
    }
    for (const e of batch) {
      const alone = await run(ctx, [e]);
      if (alone === "refused" ? !(await runEachSkippingRefused(ctx, e)) : alone !== "ok") {
        journal.failed(ctx.sql, e, ctx.now());
        return;
      }
      journal.done(ctx.sql, [e.id]);
    }
  }
}

/**
 * An entry D1 refuses for its data (a constraint: the group a flow added the contact to was
 * deleted meanwhile) would otherwise hold up every later write forever: its statements are carried
 * out one at a time and those D1 refuses are left out, logged. They are idempotent, so a retry
 * after a passing failure does no harm. False when D1 failed otherwise (the entry backs off).
 */
async function runEachSkippingRefused(ctx: Ctx, e: journal.JournalEntry): Promise<boolean> {
  for (const [i, statement] of e.statements.entries()) {
    if (!ctx.budget.allows({ subrequests: 1, queries: 1 })) return false;
    const r = await run(ctx, [{ ...e, statements: [statement] }]);
    // Say which statement, never its parameters (message texts, URNs).
    if (r === "refused") console.error(`D1 write-through: journal entry ${e.id} statement ${i} refused by D1 and left out: ${statement.sql.trim().split(/\s+/).slice(0, 4).join(" ")} …`);
    else if (r !== "ok") return false;
  }
  return true;
}

/** `refused`: D1 refused the data (a constraint), which no retry changes; `failed`: anything else. */
async function run(ctx: Ctx, entries: journal.JournalEntry[]): Promise<"ok" | "refused" | "failed"> {
  const db = ctx.db;
  const statements = entries.flatMap((e) => e.statements.map((s) => db.prepare(s.sql).bind(...s.params)));
  ctx.budget.writeQueries += statements.length;
  try {
    await db.batch(statements);
    ctx.budget.writes++;
    return "ok";
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error("D1 write-through failed:", message);
    return /SQLITE_CONSTRAINT|constraint failed/i.test(message) ? "refused" : "failed";
  }
}
