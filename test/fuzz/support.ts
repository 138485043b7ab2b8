import fc from "fast-check";
import { expect } from "vitest";

/** Runs per property: enough to reach every hostile variant several times, and the file stays well under a minute. */
export const RUNS = 30;

/** What the input is known to be: valid, broken in a known way, or arbitrary (either answer will do, but a 4xx must store nothing). */
export type Case<T> = { expect: "2xx" | "4xx" | "any"; input: T };

/** The longest a request may take: a bound against runaway loops (NumMedia=1e9), not a speed figure. */
const BOUND_MS = 1000;

/**
 * Sends one case and checks its answer: 2xx for a valid input, a 4xx JSON error ({error, message})
 * otherwise, never a 5xx; a 4xx leaves every counted row as it was; the request ends within the bound.
 */
export async function expectAnswer<T>(c: Case<T>, send: () => Promise<Response>, count: () => Promise<Record<string, unknown>>): Promise<void> {
  const before = await count();
  const started = performance.now();
  const res = await send();
  const text = await res.text();
  const elapsed = performance.now() - started;
  const what = `${c.expect} case answered ${res.status} ${text.slice(0, 300)}`;
  expect(elapsed, `${what}: took ${Math.round(elapsed)} ms`).toBeLessThan(BOUND_MS);
  expect(res.status >= 200 && res.status < 500, what).toBe(true);
  if (c.expect === "2xx") expect(res.status < 300, what).toBe(true);
  if (c.expect === "4xx") expect(res.status >= 400, what).toBe(true);
  if (res.status >= 400) {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    expect(typeof body.error === "string" && typeof body.message === "string", what).toBe(true);
    expect(await count(), `${what}: stored nothing`).toEqual(before);
  }
}

const units = fc.oneof(
  { weight: 10, arbitrary: fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.constantFrom("é", "ü", "ñ", "न", "ß", "中", "🙂", "👍🏽", "\n", "\t") },
);

/** Text any provider may carry: letters of many scripts, emoji, line breaks; at most `max` UTF-16 units. */
export const printable = (max: number) => fc.array(units, { maxLength: Math.floor(max / 4) }).map((parts) => parts.join(""));
