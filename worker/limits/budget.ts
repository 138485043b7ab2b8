/**
 * Cloudflare's per-invocation limits, which local workerd does not enforce: 1,000 subrequests
 * (fetches, Durable Object calls, and calls to D1 and Queues) and 1,000 D1 queries. A path that
 * loops over many schedules or contacts spends from a `Budget` and leaves what does not fit to a
 * later invocation (the next alarm, tick or queue batch).
 */
export const CLOUDFLARE_LIMITS = { subrequests: 1000, queries: 1000 } as const;

/** What a path allows itself: half of each limit, leaving room for what it does not count. */
export const INVOCATION_BUDGET = { subrequests: 500, queries: 500 } as const;

export type Cost = { subrequests: number; queries: number };

export class Budget {
  private spent: Cost = { subrequests: 0, queries: 0 };

  /** A budget with a `parent` is a share of it: what it spends, the parent spends too. */
  constructor(
    private readonly limit: Cost = INVOCATION_BUDGET,
    private readonly parent?: Budget,
  ) {}

  /** Whether `cost` fits in what is left, keeping `reserve` for what must still run after it. */
  fits(cost: Cost, reserve: Cost = { subrequests: 0, queries: 0 }): boolean {
    return (
      this.spent.subrequests + cost.subrequests + reserve.subrequests <= this.limit.subrequests &&
      this.spent.queries + cost.queries + reserve.queries <= this.limit.queries &&
      (!this.parent || this.parent.fits(cost, reserve))
    );
  }

  spend(cost: Cost): void {
    this.spent.subrequests += cost.subrequests;
    this.spent.queries += cost.queries;
    this.parent?.spend(cost);
  }

  /** One D1 round trip of `statements` statements. */
  d1(statements = 1): void {
    this.spend({ subrequests: 1, queries: statements });
  }

  get used(): Readonly<Cost> {
    return this.spent;
  }
}
