import { desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { RoleSchema } from "../auth/users";
import { apiTokens } from "../db/schema";
import { newToken, sha256Hex } from "./auth";
import { Name } from "./common";
import type { ApiEnv } from "./context";
import { notFound } from "./errors";
import { describe, validate } from "./openapi";

const tag = "tokens";

export const TokenCreate = z.object({
  name: Name(100),
  role: RoleSchema.default("admin").describe("what the token may do, as a user of that role (docs/console.md); admin when left out, as every token was before roles"),
});

export const TokenOut = z.object({
  uuid: z.string(),
  name: z.string(),
  prefix: z.string().describe("the token's first characters, to tell tokens apart"),
  role: RoleSchema,
  created_on: z.string(),
  last_used_on: z.string().nullable(),
});
export const TokenCreated = TokenOut.extend({ token: z.string().describe("shown only in this response; keep it safe") });

type Row = typeof apiTokens.$inferSelect;
const out = (r: Row): z.infer<typeof TokenOut> => ({
  uuid: r.uuid,
  name: r.name,
  prefix: r.prefix,
  role: r.role,
  created_on: r.createdOn,
  last_used_on: r.lastUsedOn,
});

export const tokens = new Hono<ApiEnv>()
  .post("/", describe({ tag, summary: "Create an API token (returned once)", status: 201, response: TokenCreated }), validate("json", TokenCreate), async (c) => {
    const token = newToken();
    const { name, role } = c.req.valid("json");
    const row = { uuid: crypto.randomUUID(), name, role, hash: await sha256Hex(token), prefix: token.slice(0, 9), createdOn: new Date().toISOString() };
    await c.get("db").insert(apiTokens).values(row);
    return c.json({ ...out({ ...row, lastUsedOn: null }), token } satisfies z.infer<typeof TokenCreated>, 201);
  })
  .get("/", describe({ tag, summary: "List API tokens (never the tokens themselves)", response: z.object({ results: z.array(TokenOut) }) }), async (c) => {
    const rows = await c.get("db").select().from(apiTokens).orderBy(desc(apiTokens.createdOn));
    return c.json({ results: rows.map(out) });
  })
  .delete("/:uuid", describe({ tag, summary: "Delete an API token; it stops working at once", status: 204, response: null }), async (c) => {
    const uuid = c.req.param("uuid");
    const deleted = await c.get("db").delete(apiTokens).where(eq(apiTokens.uuid, uuid)).returning({ uuid: apiTokens.uuid });
    if (!deleted.length) throw notFound("token", uuid);
    return c.body(null, 204);
  });
