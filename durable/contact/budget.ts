/**
 * What one invocation of the contact's object (an RPC call, an alarm) may spend. Cloudflare allows
 * 1,000 subrequests (fetches, calls to other objects) and 1,000 D1 queries per invocation, and
 * local workerd enforces neither. Every loop in the object (inbox rows, timers, sends, journal
 * batches, broadcast recipients) asks before each step; work that doesn't fit is left stored and
 * the alarm, re-armed at once, carries on in a fresh invocation. Half the platform's limits: the
 * steps' costs are upper bounds taken before each step, and the rest is headroom. Tests lower them.
 */
export const limits = { subrequests: 500, queries: 500 };

export class Budget {
  subrequests = 0;
  queries = 0;
  /** D1 write transactions made (journal batches that landed) and their statements, for the benches' figures. */
  writes = 0;
  writeQueries = 0;
  /** Set when a loop stopped for lack of budget: the alarm comes back at once. */
  exhausted = false;

  constructor(
    readonly maxSubrequests = limits.subrequests,
    readonly maxQueries = limits.queries,
  ) {}

  /** Whether a step that may cost this much still fits; if not, the invocation stops looping. */
  allows(cost: { subrequests?: number; queries?: number }): boolean {
    const fits = this.subrequests + (cost.subrequests ?? 0) <= this.maxSubrequests && this.queries + (cost.queries ?? 0) <= this.maxQueries;
    if (!fits) this.exhausted = true;
    return fits;
  }

  /** Subrequests left, for a step that sizes itself (a broadcast's recipients). */
  subrequestsLeft(): number {
    return this.maxSubrequests - this.subrequests;
  }
}

type Stmt = D1PreparedStatement & { [INNER]?: D1PreparedStatement };
const INNER = Symbol("inner");

/** D1 with every query counted on the budget (a batch counts each statement; each call is a subrequest). */
export function meteredD1(db: D1Database, budget: Budget): D1Database {
  const count = (queries: number) => {
    budget.queries += queries;
    budget.subrequests++;
  };
  const wrap = (s: D1PreparedStatement): Stmt => {
    const w = {
      [INNER]: s,
      bind: (...values: unknown[]) => wrap(s.bind(...values)),
      first: (col?: string) => (count(1), col === undefined ? s.first() : s.first(col)),
      run: () => (count(1), s.run()),
      all: () => (count(1), s.all()),
      raw: (opts?: { columnNames?: boolean }) => (count(1), s.raw(opts as { columnNames: true })),
    };
    return w as unknown as Stmt;
  };
  return {
    prepare: (query: string) => wrap(db.prepare(query)),
    batch: (statements: Stmt[]) => {
      count(statements.length);
      return db.batch(statements.map((s) => s[INNER] ?? s));
    },
    exec: (query: string) => (count(1), db.exec(query)),
  } as unknown as D1Database;
}

/**
 * The most one sprint and what follows it may cost: the contact and assets from D1, the engine's
 * webhook calls (not metered: the engine has its own HTTP client), the replies and the journal.
 */
export const SPRINT_COST = { subrequests: 30, queries: 30 };

/** The most one send may cost: its parts (a long message split by the provider) and a slot booking. */
export const SEND_COST = { subrequests: 12, queries: 1 };
