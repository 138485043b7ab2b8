import { and, eq, ne } from "drizzle-orm";
import { getCookie } from "hono/cookie";
import { Hono } from "hono";
import { z } from "zod";
import { hashPassword, verifyPassword } from "../auth/password";
import { COOKIE } from "../auth/sessions";
import { recordFailure, retryAfter } from "../auth/throttle";
import { Password, RoleSchema } from "../auth/users";
import { sessions, users } from "../db/schema";
import { sha256Hex } from "./auth";
import type { ApiEnv } from "./context";
import { ApiError, invalidField } from "./errors";
import { describe, validate } from "./openapi";

export const MeOut = z.object({
  kind: z.enum(["user", "token"]).describe("signed in with the session cookie, or calling with a bearer token"),
  uuid: z.string().nullable(),
  email: z.string().nullable(),
  role: RoleSchema,
});
const PasswordChange = z.strictObject({ current_password: z.string().min(1).max(1000), password: Password });

/** Who the caller is and what they may do: the console shows or hides its edit buttons by `role`. */
export const meRoutes = new Hono<ApiEnv>()
  .get("/", describe({ tag: "users", summary: "The caller: signed-in user or token, and role", response: MeOut }), (c) => {
    const p = c.get("principal");
    return c.json(p.kind === "user" ? { kind: p.kind, uuid: p.uuid, email: p.email, role: p.role } : { kind: p.kind, uuid: null, email: null, role: p.role });
  })
  .post(
    "/password",
    describe({ tag: "users", summary: "Change your own password (any role); your other sessions end", status: 204, response: null }),
    validate("json", PasswordChange),
    async (c) => {
      const p = c.get("principal");
      if (p.kind !== "user") throw new ApiError(409, "conflict", "a token has no password; sign in as a user");
      const db = c.get("db");
      const ip = c.req.header("cf-connecting-ip") ?? "unknown";
      // A stolen session must not become a way to guess the password at leisure: the sign-in throttle applies.
      const wait = await retryAfter(db, p.email, ip);
      if (wait > 0) {
        c.header("retry-after", String(wait));
        return c.json({ error: "too_many_attempts", message: `too many wrong passwords; try again in ${Math.ceil(wait / 60)} minute(s)` }, 429);
      }
      const body = c.req.valid("json");
      const user = await db.select({ hash: users.passwordHash }).from(users).where(eq(users.uuid, p.uuid)).get();
      if (!user || !(await verifyPassword(body.current_password, user.hash))) {
        await recordFailure(db, p.email, ip);
        throw invalidField("current_password", "is not your password");
      }
      const current = await sha256Hex(getCookie(c, COOKIE) ?? "");
      await db.batch([
        db.update(users).set({ passwordHash: await hashPassword(body.password) }).where(eq(users.uuid, p.uuid)),
        db.delete(sessions).where(and(eq(sessions.userUuid, p.uuid), ne(sessions.hash, current))),
      ]);
      return c.body(null, 204);
    },
  );
