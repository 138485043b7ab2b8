/**
 * What the contact objects' invocations cost, from the lines they log when EDDY_USAGE_LOG is set
 * (durable/contact/contact-session.ts `usage`): `eddy-usage <method> <contact> reads=… writes=… subrequests=…`.
 */
export interface Invocation {
  method: string;
  contact: string;
  reads: number;
  writes: number;
  subrequests: number;
}

export class UsageLog {
  readonly invocations: Invocation[] = [];

  /** For `wranglerDev`'s `onLine`. */
  readonly onLine = (line: string) => {
    const m = /eddy-usage (\w+) (\S+) reads=(\d+) writes=(\d+) subrequests=(\d+)/.exec(line);
    if (m) this.invocations.push({ method: m[1], contact: m[2], reads: Number(m[3]), writes: Number(m[4]), subrequests: Number(m[5]) });
  };

  /** The `method` invocations, split into each contact's first and the later ones (a contact its object has seen). */
  split(method: string): { first: Invocation[]; later: Invocation[] } {
    const seen = new Set<string>();
    const first: Invocation[] = [];
    const later: Invocation[] = [];
    for (const i of this.invocations.filter((i) => i.method === method)) {
      (seen.has(i.contact) ? later : first).push(i);
      seen.add(i.contact);
    }
    return { first, later };
  }
}

export const mean = (list: Invocation[], key: "reads" | "writes" | "subrequests") => (list.length ? list.reduce((n, i) => n + i[key], 0) / list.length : NaN);
