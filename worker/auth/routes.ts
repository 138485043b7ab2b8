/**
 * /auth: signing in and out with the session cookie, and creating the first admin. Outside
 * /api/v1 because these are how a browser gets in, not resources.
 */
import { eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { DEV_VARS_EXAMPLE_TOKEN, sha256Hex } from "../api/auth";
import type { ApiEnv } from "../api/context";
import { ApiError, conflict, handleError } from "../api/errors";
import { validate } from "../api/openapi";
import { database } from "../db";
import { users } from "../db/schema";
import { checkSameOrigin } from "./middleware";
import { decoyHash, hashPassword, newPassword, verifyPassword } from "./password";
import { clearFailures, recordFailure, retryAfter } from "./throttle";
import { endSession, startSession } from "./sessions";
import { Email, Password } from "./users";

const SignIn = z.object({ email: Email, password: z.string().min(1, "give your password").max(1000) });
const Setup = z.object({ email: Email, password: Password.optional() });

const userOut = (u: { uuid: string; email: string; role: string }) => ({ uuid: u.uuid, email: u.email, role: u.role });

/** A sign-in form posted from another site is refused: the body must be JSON (a form cannot send it) and the Origin, when sent, this one. */
function checkSignInOrigin(origin: string | undefined, url: string): void {
  if (origin !== undefined && origin !== new URL(url).origin) {
    throw new ApiError(403, "forbidden", `sign-in must come from this site, not from ${origin}`);
  }
}

export const authRoutes = new Hono<ApiEnv>();

authRoutes.onError(handleError);

authRoutes.use("*", async (c, next) => {
  c.set("db", database(c.env.DB));
  await next();
});

authRoutes.post("/login", validate("json", SignIn), async (c) => {
  checkSignInOrigin(c.req.header("origin"), c.req.url);
  const { email, password } = c.req.valid("json");
  const db = c.get("db");
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";

  const wait = await retryAfter(db, email, ip);
  if (wait > 0) {
    c.header("retry-after", String(wait));
    return c.json({ error: "too_many_attempts", message: `too many failed sign-ins; try again in ${Math.ceil(wait / 60)} minute(s)` }, 429);
  }

  const user = await db.select().from(users).where(eq(users.email, email)).get();
  // An unknown email costs the same hash as a wrong password, so timing does not tell which.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (!user || !ok) {
    await recordFailure(db, email, ip);
    throw new ApiError(401, "unauthorized", "wrong email or password");
  }
  await clearFailures(db, email);
  await startSession(c, db, user.uuid);
  return c.json({ user: userOut(user) });
});

authRoutes.post("/logout", async (c) => {
  checkSameOrigin(c);
  await endSession(c, c.get("db"));
  return c.body(null, 204);
});

/** Whether the first admin is still to be made, so the sign-in page can say how; it reveals nothing else. */
authRoutes.get("/setup", async (c) => {
  const anyone = await c.get("db").select({ uuid: users.uuid }).from(users).limit(1).get();
  return c.json({ needed: !anyone });
});

/**
 * The first admin, over HTTP: only with EDDY_API_TOKEN itself (not a created token) and only while
 * there is no user at all. Without a password in the body, one is made and returned once.
 */
authRoutes.post("/setup", validate("json", Setup), async (c) => {
  const bearer = c.req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  const envToken = c.env.EDDY_API_TOKEN;
  if (!bearer || !envToken || bearer === DEV_VARS_EXAMPLE_TOKEN || (await sha256Hex(bearer)) !== (await sha256Hex(envToken))) {
    throw new ApiError(401, "unauthorized", "creating the first admin needs EDDY_API_TOKEN: Authorization: Bearer <EDDY_API_TOKEN>");
  }
  const body = c.req.valid("json");
  const password = body.password ?? newPassword();
  const user = { uuid: crypto.randomUUID(), email: body.email, role: "admin" as const };
  // One statement checks and inserts, so two setups at once cannot make two first admins.
  const inserted = await c.get("db").run(sql`
    INSERT INTO users (uuid, email, password_hash, role)
    SELECT ${user.uuid}, ${user.email}, ${await hashPassword(password)}, 'admin' WHERE NOT EXISTS (SELECT 1 FROM users)`);
  if (!inserted.meta.changes) throw conflict("the first admin exists already; an admin creates other users with POST /api/v1/users");
  return c.json({ user: userOut(user), ...(body.password ? {} : { password }) }, 201);
});
