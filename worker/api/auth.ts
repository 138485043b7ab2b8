import { eq } from "drizzle-orm";
import type { Context } from "hono";
import type { Role } from "../auth/roles";
import { apiTokens } from "../db/schema";
import type { ApiEnv } from "./context";
import { ApiError } from "./errors";

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** A new token: 32 random bytes, prefixed so that it is recognisable in a leaked-secret scan. */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return "eddy_" + btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** EDDY_API_TOKEN's value in .dev.vars.example (kept equal to it; test/api/auth-placeholder.test.ts checks). */
export const DEV_VARS_EXAMPLE_TOKEN = "change-me-to-a-long-random-string";

// Writing last_used_on on every request would turn every read into a write; once a minute is enough.
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * Bearer auth: a token is valid if its SHA-256 is in api_tokens (acting with the role it was given),
 * or if it is EDDY_API_TOKEN (the bootstrap token from .dev.vars or a secret, always admin). Hashes
 * are compared, never the tokens themselves. Returns the token's role; throws 401 otherwise.
 */
export async function tokenRole(c: Context<ApiEnv>): Promise<Role> {
  const match = c.req.header("authorization")?.match(/^Bearer\s+(\S+)\s*$/i);
  if (!match) throw new ApiError(401, "unauthorized", "send a token: Authorization: Bearer <token>");
  const hash = await sha256Hex(match[1]);

  // The example file's value is public: a .dev.vars or secret still holding it must not open the API.
  if (match[1] === DEV_VARS_EXAMPLE_TOKEN) {
    throw new ApiError(401, "unauthorized", "that is the placeholder from .dev.vars.example, never a token: set EDDY_API_TOKEN to your own random value");
  }
  if (c.env.EDDY_API_TOKEN && hash === (await sha256Hex(c.env.EDDY_API_TOKEN))) return "admin";

  const db = c.get("db");
  const token = await db.select({ uuid: apiTokens.uuid, role: apiTokens.role, lastUsedOn: apiTokens.lastUsedOn }).from(apiTokens).where(eq(apiTokens.hash, hash)).get();
  if (!token) throw new ApiError(401, "unauthorized", "unknown or deleted token");

  if (!token.lastUsedOn || Date.now() - Date.parse(token.lastUsedOn) > LAST_USED_RESOLUTION_MS) {
    c.executionCtx.waitUntil(db.update(apiTokens).set({ lastUsedOn: new Date().toISOString() }).where(eq(apiTokens.uuid, token.uuid)).run());
  }
  return token.role;
}
