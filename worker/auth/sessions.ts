import { and, eq, gt, inArray, lte } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { sha256Hex } from "../api/auth";
import type { Database } from "../db";
import { sessions, signInFailures, users } from "../db/schema";
import { WINDOW_SECONDS } from "./throttle";
import type { Role } from "./roles";

export const COOKIE = "eddy_session";
/**
 * A session ends after IDLE_SECONDS without a request (each request pushes the end back), and in
 * any case MAX_SECONDS after sign-in, however active: a stolen cookie is not good forever, and a
 * console left open on a shared computer closes itself overnight. Signing in again starts anew.
 */
export const IDLE_SECONDS = 12 * 3600;
export const MAX_SECONDS = 7 * 24 * 3600;
// Pushing the end back on every request would make every read a write; every few minutes is enough.
const EXTEND_RESOLUTION_SECONDS = 5 * 60;

// Browsers refuse Secure cookies from plain http, and `wrangler dev` serves plain http on
// loopback: there (only there) the cookie goes without Secure. Everything else is https.
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;
const secure = (c: Context) => {
  const url = new URL(c.req.url);
  return url.protocol === "https:" || !LOOPBACK.test(url.hostname);
};

// Expired rows are swept as people sign in, a bounded number each time, so neither table grows
// forever and no sign-in pays for a long backlog.
const SWEEP = 50;

/** 32 random bytes: the cookie's value. Only its SHA-256 is stored, so a leaked table opens nothing. */
function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function startSession(c: Context, db: Database, userUuid: string): Promise<void> {
  const id = newSessionId();
  const now = new Date();
  const windowOver = new Date(now.getTime() - WINDOW_SECONDS * 1000).toISOString();
  await db.batch([
    db.delete(sessions).where(inArray(sessions.hash, db.select({ hash: sessions.hash }).from(sessions).where(lte(sessions.expiresOn, now.toISOString())).limit(SWEEP))),
    db.delete(signInFailures).where(inArray(signInFailures.key, db.select({ key: signInFailures.key }).from(signInFailures).where(lte(signInFailures.windowStart, windowOver)).limit(SWEEP))),
    db.insert(sessions).values({ hash: await sha256Hex(id), userUuid, createdOn: now.toISOString(), expiresOn: new Date(now.getTime() + IDLE_SECONDS * 1000).toISOString() }),
    db.update(users).set({ lastSignInOn: now.toISOString() }).where(eq(users.uuid, userUuid)),
  ]);
  setCookie(c, COOKIE, id, { httpOnly: true, secure: secure(c), sameSite: "Strict", path: "/", maxAge: MAX_SECONDS });
}

export interface SessionUser {
  uuid: string;
  email: string;
  role: Role;
}

/**
 * The signed-in user of the request's cookie, if its session exists and has not expired; the
 * session's end is pushed back to IDLE_SECONDS from now, never past MAX_SECONDS after sign-in.
 */
export async function sessionUser(c: Context, db: Database): Promise<SessionUser | undefined> {
  const id = getCookie(c, COOKIE);
  if (!id) return undefined;
  const hash = await sha256Hex(id);
  const now = Date.now();
  const row = await db
    .select({ uuid: users.uuid, email: users.email, role: users.role, expiresOn: sessions.expiresOn, createdOn: sessions.createdOn })
    .from(sessions)
    .innerJoin(users, eq(users.uuid, sessions.userUuid))
    .where(and(eq(sessions.hash, hash), gt(sessions.expiresOn, new Date(now).toISOString())))
    .get();
  if (!row) return undefined;
  const end = Math.min(now + IDLE_SECONDS * 1000, Date.parse(row.createdOn) + MAX_SECONDS * 1000);
  if (end - Date.parse(row.expiresOn) > EXTEND_RESOLUTION_SECONDS * 1000) {
    await db.update(sessions).set({ expiresOn: new Date(end).toISOString() }).where(eq(sessions.hash, hash));
  }
  return { uuid: row.uuid, email: row.email, role: row.role };
}

export async function endSession(c: Context, db: Database): Promise<void> {
  const id = getCookie(c, COOKIE);
  if (id) await db.delete(sessions).where(eq(sessions.hash, await sha256Hex(id)));
  deleteCookie(c, COOKIE, { path: "/", secure: secure(c), httpOnly: true, sameSite: "Strict" });
}
