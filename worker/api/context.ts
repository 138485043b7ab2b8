import type { Database } from "../db";

/** What every API handler sees: the Worker's bindings and a drizzle client over D1. */
export type ApiEnv = { Bindings: Cloudflare.Env; Variables: { db: Database } };
