/** Timing helpers shared by the benches: warm up, then run whole batches for a fixed wall time. */

export interface Measured {
  /** Microseconds per operation. */
  us: number;
  ops: number;
}

const now = () => performance.now();

/** Runs `fn` for `seconds` after `warmup` seconds, in batches so the timer's cost stays out of it. */
export async function measure(fn: () => unknown, seconds: number, warmup = Math.min(1, seconds / 2)): Promise<Measured> {
  const loop = async (limit: number) => {
    let ops = 0;
    let batch = 1;
    const start = now();
    let elapsed = 0;
    while (elapsed < limit * 1000) {
      for (let i = 0; i < batch; i++) {
        const r = fn();
        if (r instanceof Promise) await r;
      }
      ops += batch;
      elapsed = now() - start;
      // Batches of ~10 ms: long enough to hide the clock reads, short enough to stop on time.
      if (elapsed < 10) batch *= 2;
    }
    return { us: (elapsed * 1000) / ops, ops };
  };
  await loop(warmup);
  return loop(seconds);
}

export const heapMB = () => (process.memoryUsage().heapUsed / 1048576).toFixed(1);

export function fmt(n: number, digits = 1): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

const us = (n: number) => `${fmt(n, n < 10 ? 2 : 1)} µs`;

/** One figure with its floor: µs per op, a rate, and the floor's µs with how many floors the figure costs. */
export function line(label: string, m: Measured, rate: string, floorLabel: string, floor: Measured): string {
  return `  ${label.padEnd(9)} ${us(m.us).padStart(10)}  ${rate.padEnd(20)} floor ${us(floor.us)} (${floorLabel}): ×${fmt(m.us / floor.us)}`;
}
