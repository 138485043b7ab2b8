/**
 * Password guessing: failed sign-ins are counted per email and per IP in fixed 15-minute windows;
 * past the limit, sign-in answers 429 with Retry-After until the window ends, even with the right
 * password. Kept in D1 (sign_in_failures) rather than a Durable Object: every Worker instance must
 * see the same counts, D1's single primary gives that, the reads are by primary key, and writes
 * happen only on failures; a Durable Object would add a binding and a class for a few rows.
 */
import { inArray, sql } from "drizzle-orm";
import type { Database } from "../db";
import { signInFailures } from "../db/schema";

export const WINDOW_SECONDS = 15 * 60;
/** Failures allowed per email in a window: a person mistyping gets five tries. */
export const PER_EMAIL = 5;
/** Per IP, across emails: an office behind one address still signs in; spraying one password over many emails does not get far. */
export const PER_IP = 30;

const keys = (email: string, ip: string) => ({ email: `email:${email}`, ip: `ip:${ip}` });

/** Seconds until sign-in may be tried again for this email or from this IP, or 0 if it may now. */
export async function retryAfter(db: Database, email: string, ip: string, now = Date.now()): Promise<number> {
  const k = keys(email, ip);
  const rows = await db.select().from(signInFailures).where(inArray(signInFailures.key, [k.email, k.ip]));
  let wait = 0;
  for (const row of rows) {
    const limit = row.key === k.email ? PER_EMAIL : PER_IP;
    const ends = Date.parse(row.windowStart) + WINDOW_SECONDS * 1000;
    if (row.failures >= limit && ends > now) wait = Math.max(wait, Math.ceil((ends - now) / 1000));
  }
  return wait;
}

export async function recordFailure(db: Database, email: string, ip: string, now = Date.now()): Promise<void> {
  const start = new Date(now).toISOString();
  const expired = new Date(now - WINDOW_SECONDS * 1000).toISOString();
  const bump = (key: string) =>
    db
      .insert(signInFailures)
      .values({ key, windowStart: start, failures: 1 })
      .onConflictDoUpdate({
        target: signInFailures.key,
        // Both read the row as it was: an expired window starts over at 1.
        set: {
          failures: sql`CASE WHEN ${signInFailures.windowStart} <= ${expired} THEN 1 ELSE ${signInFailures.failures} + 1 END`,
          windowStart: sql`CASE WHEN ${signInFailures.windowStart} <= ${expired} THEN ${start} ELSE ${signInFailures.windowStart} END`,
        },
      });
  const k = keys(email, ip);
  await db.batch([bump(k.email), bump(k.ip)]);
}

/** A successful sign-in clears the email's count (not the IP's: one good account must not reset a spray). */
export async function clearFailures(db: Database, email: string): Promise<void> {
  await db.delete(signInFailures).where(inArray(signInFailures.key, [keys(email, "").email]));
}
