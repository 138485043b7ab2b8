import { guard, outcome, type Outcome, type WrittenBehind } from "../../durable/contact/d1-writes";
import type { Statement } from "../../durable/contact/storage/journal";
import type { Budget } from "../limits/budget";

/**
 * The D1_WRITES queue's consumer: contact objects' journal entries written behind
 * (durable/contact/d1-writes.ts), up to 100 contacts' in one D1 transaction. Order and redelivery
 * do not matter: D1's watermark per contact (read first, then moved by a guard in the same
 * transaction as the entries) says what has landed; an entry at or below it is acknowledged and
 * left out, and one whose predecessor has not arrived waits (retried) instead of landing first.
 * Nothing is dropped: a failure retries the message with backoff.
 */

/** Statements per D1 transaction (about 50 to 80 contacts of a start: a run, a field, a message, its status, a guard): twice that, should it fail and be written contact by contact, fits the budget. */
const TRANSACTION_STATEMENTS = 400;
/** D1 binds at most 100 parameters per query. */
const READ_CHUNK = 100;

type Msg = Message<WrittenBehind>;
/** One contact's entries that follow its watermark, and the messages they came in. */
type Chain = { contact: string; from: number; to: number; statements: Statement[]; messages: Msg[] };

export interface Written {
  /** D1 write transactions made (successful or not). */
  transactions: number;
  /** Entries carried out. */
  entries: number;
}

/**
 * Statements that ride in the batch's last transaction of entries (the batch's status callbacks,
 * worker/d1-writes/statuses.ts), so they cost no transaction of their own: `results` holds theirs
 * once they landed with it; left unset, the caller writes them itself.
 */
export interface Rider {
  statements: Statement[];
  results?: D1Result[];
}

export async function consumeWrites(db: D1Database, batch: MessageBatch<WrittenBehind>, budget: Budget, rider?: Rider): Promise<Written> {
  const written: Written = { transactions: 0, entries: 0 };
  const byContact = new Map<string, Msg[]>();
  for (const m of batch.messages) byContact.set(m.body.contact, [...(byContact.get(m.body.contact) ?? []), m]);
  const marks = await watermarks(db, [...byContact.keys()], budget);

  const chains: Chain[] = [];
  for (const [contact, messages] of byContact) {
    const mark = marks.get(contact) ?? 0;
    messages.sort((a, b) => a.body.entries[0].seq - b.body.entries[0].seq);
    const chain: Chain = { contact, from: mark + 1, to: mark, statements: [], messages: [] };
    for (const m of messages) {
      const fresh = m.body.entries.filter((e) => e.seq > chain.to);
      const statements = fresh.reduce((n, e) => n + e.statements.length, 0);
      if (!fresh.length) m.ack(); // landed already: a redelivery, or sent again by an object that died before it knew
      else if (fresh[0].seq !== chain.to + 1) later(m); // its predecessor has not landed yet
      else if (chain.messages.length && chain.statements.length + statements > TRANSACTION_STATEMENTS) m.retry({ delaySeconds: 0 }); // the next batch
      else {
        for (const e of fresh) chain.statements.push(...e.statements);
        chain.to = fresh[fresh.length - 1].seq;
        chain.messages.push(m);
      }
    }
    if (chain.messages.length) chains.push(chain);
  }

  // As many contacts to a transaction as fit.
  let group: Chain[] = [];
  let size = 0;
  const flush = async (last = false) => {
    const ride = last && rider?.statements.length ? rider : undefined;
    // The transaction, and room to write its chains one by one if it fails; what does not fit waits for the next batch.
    if (group.length && budget.fits({ subrequests: 1 + group.length, queries: 2 * size + (ride?.statements.length ?? 0) })) await write(db, group, written, budget, ride);
    else for (const c of group) for (const m of c.messages) m.retry({ delaySeconds: 0 });
    group = [];
    size = 0;
  };
  for (const chain of chains) {
    if (size + chain.statements.length + 1 > TRANSACTION_STATEMENTS) await flush();
    group.push(chain);
    size += chain.statements.length + 1;
  }
  await flush(true);
  return written;
}

async function watermarks(db: D1Database, contacts: string[], budget: Budget): Promise<Map<string, number>> {
  const marks = new Map<string, number>();
  for (let i = 0; i < contacts.length; i += READ_CHUNK) {
    const chunk = contacts.slice(i, i + READ_CHUNK);
    budget.d1();
    const rows = await db.prepare(`SELECT contact_uuid, seq FROM d1_watermarks WHERE contact_uuid IN (${chunk.map(() => "?").join(", ")})`).bind(...chunk).all<{ contact_uuid: string; seq: number }>();
    for (const r of rows.results) marks.set(r.contact_uuid, r.seq);
  }
  return marks;
}

/** Tried again later: 1 s, doubling to 10 minutes. */
function later(m: Msg): void {
  m.retry({ delaySeconds: Math.min(600, 2 ** Math.min(m.attempts - 1, 10)) });
}

const statementsOf = (chain: Chain): Statement[] => [guard(chain.contact, chain.from, chain.to), ...chain.statements];

async function run(db: D1Database, statements: Statement[], written: Written, budget: Budget, landed?: (results: D1Result[]) => void): Promise<Outcome> {
  written.transactions++;
  budget.d1(statements.length);
  try {
    const results = await db.batch(statements.map((s) => db.prepare(s.sql).bind(...s.params)));
    landed?.(results);
    return "ok";
  } catch (e) {
    return outcome(e);
  }
}

/** The chains in one transaction, with the rider if any; if it fails, each on its own (without the rider), so one contact's trouble holds up only that contact. */
async function write(db: D1Database, chains: Chain[], written: Written, budget: Budget, rider?: Rider): Promise<void> {
  const statements = chains.flatMap(statementsOf);
  const together = await run(db, rider ? [...statements, ...rider.statements] : statements, written, budget, (results) => rider && (rider.results = results.slice(statements.length)));
  if (together === "ok") {
    for (const c of chains) for (const m of c.messages) m.ack();
    written.entries += chains.reduce((n, c) => n + c.to - c.from + 1, 0);
    return;
  }
  for (const chain of chains) {
    let result = chains.length > 1 || rider ? await run(db, statementsOf(chain), written, budget) : together;
    // Refused for its data (a constraint: a group deleted meanwhile): each statement alone, the refused left out, then the guard.
    if (result === "refused") result = budget.fits({ subrequests: chain.statements.length + 1, queries: chain.statements.length + 1 }) ? await runEachSkippingRefused(db, chain, written, budget) : "failed";
    if (result === "ok") written.entries += chain.to - chain.from + 1;
    // out_of_order: another delivery moved the watermark meanwhile; the retry finds out which entries landed.
    for (const m of chain.messages) result === "ok" ? m.ack() : later(m);
  }
}

async function runEachSkippingRefused(db: D1Database, chain: Chain, written: Written, budget: Budget): Promise<Outcome> {
  for (const [i, statement] of chain.statements.entries()) {
    const r = await run(db, [statement], written, budget);
    // Say which statement, never its parameters (message texts, URNs).
    if (r === "refused") console.error(`D1 write-behind: contact ${chain.contact} statement ${i} refused by D1 and left out: ${statement.sql.trim().split(/\s+/).slice(0, 4).join(" ")} …`);
    else if (r !== "ok") return r;
  }
  return run(db, [guard(chain.contact, chain.from, chain.to)], written, budget);
}
