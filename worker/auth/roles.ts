import type { MiddlewareHandler } from "hono";
import type { ApiEnv } from "../api/context";
import { ApiError } from "../api/errors";

export const ROLES = ["admin", "editor", "viewer"] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling: a signed-in person, or a bearer token (with the role it was created with). */
export type Principal = { kind: "user"; uuid: string; email: string; role: Role } | { kind: "token"; role: Role };

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

// Paths under /api/v1 only admins may use at all: people and tokens are the keys to everything.
const ADMIN_ONLY = ["/users", "/tokens"];
// Readable by everyone (the launch and trigger screens pick channels); changed by admins only,
// since a channel holds the provider's secrets and decides where messages go, and the workspace
// environment (time zone, date format, country) changes how every flow reads and writes dates.
const ADMIN_WRITES = ["/channels", "/environment"];

// Everyone's own: who they are, their own password.
const OWN = ["/me"];

const under = (path: string, prefixes: string[]) => prefixes.some((p) => path === p || path.startsWith(`${p}/`));
export const isSafeMethod = (method: string) => method === "GET" || method === "HEAD" || method === "OPTIONS";

/** The role a request needs: viewer to read, editor to change, admin for the prefixes above. */
export function requiredRole(method: string, path: string): Role {
  if (under(path, ADMIN_ONLY)) return "admin";
  if (under(path, OWN)) return "viewer";
  if (isSafeMethod(method)) return "viewer";
  return under(path, ADMIN_WRITES) ? "admin" : "editor";
}

/**
 * Runs after authentication on every /api/v1 route, so a route added later is covered without
 * doing anything: reads need viewer, changes editor, /users, /tokens and channel changes admin.
 */
export const authorize: MiddlewareHandler<ApiEnv> = async (c, next) => {
  const principal = c.get("principal");
  const needed = requiredRole(c.req.method, c.req.path.replace(/^\/api\/v1(?=\/|$)/, ""));
  if (RANK[principal.role] < RANK[needed]) {
    throw new ApiError(403, "forbidden", `this needs the ${needed} role; you are ${principal.role === "viewer" ? "a viewer" : `an ${principal.role}`}`);
  }
  return next();
};
