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
    if (await run(ctx, batch)) {
      journal.done(ctx.sql, batch.map((e) => e.id));
      continue;
    }
    for (const e of batch) {
      if (!(await run(ctx, [e]))) {
        journal.failed(ctx.sql, e, ctx.now());
        return;
      }
      journal.done(ctx.sql, [e.id]);
    }
  }
}

async function run(ctx: Ctx, entries: journal.JournalEntry[]): Promise<boolean> {
  const db = ctx.db;
  const statements = entries.flatMap((e) => e.statements.map((s) => db.prepare(s.sql).bind(...s.params)));
  ctx.budget.writeQueries += statements.length;
  try {
    await db.batch(statements);
    ctx.budget.writes++;
    return true;
  } catch (e) {
    console.error("D1 write-through failed:", e instanceof Error ? e.message : String(e));
    return false;
  }
}
