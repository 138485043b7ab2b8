/**
 * With EDDY_USAGE_LOG set (the benches set it), a webhook's D1 use is counted and logged as the
 * contact objects log theirs (`eddy-usage <method> <name> reads=… writes=… subrequests=…`,
 * bench/webhook/usage.ts): round trips that read, and those that write (D1's write transactions).
 */
export interface D1Usage {
  reads: number;
  writes: number;
}

const WRITES = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\b/i;
type Counted = D1PreparedStatement & { sql: string; inner: D1PreparedStatement };

/** `db` with every round trip counted into `usage` (a batch is one, a write if any statement writes). */
export function countedD1(db: D1Database, usage: D1Usage): D1Database {
  const count = (writes: boolean) => (writes ? usage.writes++ : usage.reads++);
  const wrap = (inner: D1PreparedStatement, sql: string): Counted => {
    const writes = WRITES.test(sql);
    return {
      sql,
      inner,
      bind: (...values: unknown[]) => wrap(inner.bind(...values), sql),
      first: (col?: string) => (count(writes), col === undefined ? inner.first() : inner.first(col)),
      run: () => (count(writes), inner.run()),
      all: () => (count(writes), inner.all()),
      raw: (opts?: { columnNames?: boolean }) => (count(writes), inner.raw(opts as { columnNames: true })),
    } as unknown as Counted;
  };
  return {
    prepare: (sql: string) => wrap(db.prepare(sql), sql),
    batch: (statements: Counted[]) => (count(statements.some((s) => WRITES.test(s.sql))), db.batch(statements.map((s) => s.inner))),
    exec: (sql: string) => (count(WRITES.test(sql)), db.exec(sql)),
  } as unknown as D1Database;
}
