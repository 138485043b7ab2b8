import { and, count, eq, ne } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { hashPassword, newPassword } from "../auth/password";
import { Email, Password, RoleSchema } from "../auth/users";
import type { Database } from "../db";
import { sessions, users } from "../db/schema";
import type { ApiEnv } from "./context";
import { conflict, notFound } from "./errors";
import { describe, validate } from "./openapi";

const tag = "users";

export const UserOut = z.object({
  uuid: z.string(),
  email: z.string(),
  role: RoleSchema,
  created_on: z.string(),
  last_sign_in_on: z.string().nullable(),
});
const UserCreated = UserOut.extend({ password: z.string().optional().describe("only when none was given: the generated password, shown once") });
const UserCreate = z.object({ email: Email, role: RoleSchema, password: Password.optional().describe("without one, a password is generated and returned once") });
const UserPatch = z.object({ role: RoleSchema.optional(), password: Password.optional().describe("a new password; the user's sessions end") });

type Row = typeof users.$inferSelect;
const out = (r: Row): z.infer<typeof UserOut> => ({ uuid: r.uuid, email: r.email, role: r.role, created_on: r.createdOn, last_sign_in_on: r.lastSignInOn });

async function find(db: Database, uuid: string): Promise<Row> {
  const row = await db.select().from(users).where(eq(users.uuid, uuid)).get();
  if (!row) throw notFound("user", uuid);
  return row;
}

/** Someone must always be able to manage users: the last admin cannot be demoted or deleted. */
async function keepAnAdmin(db: Database, user: Row): Promise<void> {
  if (user.role !== "admin") return;
  const others = await db.select({ n: count() }).from(users).where(and(eq(users.role, "admin"), ne(users.uuid, user.uuid))).get();
  if (!others?.n) throw conflict(`${user.email} is the last admin: make another admin first`);
}

export const userRoutes = new Hono<ApiEnv>()
  .get("/", describe({ tag, summary: "List the people who sign in to the console (admin only)", response: z.object({ results: z.array(UserOut) }) }), async (c) => {
    const rows = await c.get("db").select().from(users).orderBy(users.email);
    return c.json({ results: rows.map(out) });
  })
  .post("/", describe({ tag, summary: "Create a user with a role (admin only)", status: 201, response: UserCreated }), validate("json", UserCreate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    if (await db.select({ uuid: users.uuid }).from(users).where(eq(users.email, body.email)).get()) throw conflict(`${body.email} already has an account`);
    const password = body.password ?? newPassword();
    const row = { uuid: crypto.randomUUID(), email: body.email, role: body.role, passwordHash: await hashPassword(password), createdOn: new Date().toISOString(), lastSignInOn: null };
    await db.insert(users).values(row);
    return c.json({ ...out(row), ...(body.password ? {} : { password }) }, 201);
  })
  .get("/:uuid", describe({ tag, summary: "Get a user (admin only)", response: UserOut }), async (c) => c.json(out(await find(c.get("db"), c.req.param("uuid")))))
  .patch("/:uuid", describe({ tag, summary: "Change a user's role or password (admin only)", response: UserOut }), validate("json", UserPatch), async (c) => {
    const db = c.get("db");
    const user = await find(db, c.req.param("uuid"));
    const body = c.req.valid("json");
    if (body.role && body.role !== "admin") await keepAnAdmin(db, user);
    const set = { ...(body.role ? { role: body.role } : {}), ...(body.password ? { passwordHash: await hashPassword(body.password) } : {}) };
    if (Object.keys(set).length) {
      await db.batch([
        db.update(users).set(set).where(eq(users.uuid, user.uuid)),
        // A new password signs the user out everywhere (someone else may know the old one).
        ...(body.password ? [db.delete(sessions).where(eq(sessions.userUuid, user.uuid))] : []),
      ]);
    }
    return c.json(out(await find(db, user.uuid)));
  })
  .delete("/:uuid", describe({ tag, summary: "Delete a user; their sessions end at once (admin only)", status: 204, response: null }), async (c) => {
    const db = c.get("db");
    const user = await find(db, c.req.param("uuid"));
    await keepAnAdmin(db, user);
    await db.batch([db.delete(sessions).where(eq(sessions.userUuid, user.uuid)), db.delete(users).where(eq(users.uuid, user.uuid))]);
    return c.body(null, 204);
  });
