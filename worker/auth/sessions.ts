import { and, eq, gt, inArray, lte } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { sha256Hex } from "../api/auth";
import type { Database } from "../db";
import { sessions, signInFailures, users } from "../db/schema";
import { WINDOW_SECONDS } from "./throttle";
import type { Role } from "./roles";

export const COOKIE = "eddy_session";
/** A session ends this long after sign-in, however active (signing in again starts a new one). */
export const SESSION_SECONDS = 7 * 24 * 3600;

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
    db.insert(sessions).values({ hash: await sha256Hex(id), userUuid, expiresOn: new Date(now.getTime() + SESSION_SECONDS * 1000).toISOString() }),
    db.update(users).set({ lastSignInOn: now.toISOString() }).where(eq(users.uuid, userUuid)),
  ]);
  setCookie(c, COOKIE, id, { httpOnly: true, secure: secure(c), sameSite: "Strict", path: "/", maxAge: SESSION_SECONDS });
}

export interface SessionUser {
  uuid: string;
  email: string;
  role: Role;
}

/** The signed-in user of the request's cookie, if its session exists and has not expired. */
export async function sessionUser(c: Context, db: Database): Promise<SessionUser | undefined> {
  const id = getCookie(c, COOKIE);
  if (!id) return undefined;
  return db
    .select({ uuid: users.uuid, email: users.email, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.uuid, sessions.userUuid))
    .where(and(eq(sessions.hash, await sha256Hex(id)), gt(sessions.expiresOn, new Date().toISOString())))
    .get();
}

export async function endSession(c: Context, db: Database): Promise<void> {
  const id = getCookie(c, COOKIE);
  if (id) await db.delete(sessions).where(eq(sessions.hash, await sha256Hex(id)));
  deleteCookie(c, COOKIE, { path: "/", secure: secure(c), httpOnly: true, sameSite: "Strict" });
}
