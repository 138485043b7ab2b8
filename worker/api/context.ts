import type { Principal } from "../auth/roles";
import type { Database } from "../db";

/** What every API handler sees: the Worker's bindings, a drizzle client over D1 and who is calling (set by worker/auth/middleware.ts). */
export type ApiEnv = { Bindings: Cloudflare.Env; Variables: { db: Database; principal: Principal } };
