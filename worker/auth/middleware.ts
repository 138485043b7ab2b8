import type { Context, MiddlewareHandler } from "hono";
import { tokenRole } from "../api/auth";
import type { ApiEnv } from "../api/context";
import { ApiError } from "../api/errors";
import { authorize, isSafeMethod } from "./roles";
import { sessionUser } from "./sessions";

/**
 * A cookie rides along on any request the browser makes, including one a hostile page triggers;
 * SameSite=Strict already keeps it off cross-site requests, and this is the second lock: an
 * unsafe request must carry X-Requested-With (a cross-site form cannot set a header, and a
 * cross-site fetch that does needs a CORS preflight Eddy never grants) and come from this origin.
 */
export function checkSameOrigin(c: Context): void {
  if (!c.req.header("x-requested-with")) {
    throw new ApiError(403, "forbidden", "a signed-in browser's request that changes something must send X-Requested-With (the console does)");
  }
  const origin = c.req.header("origin");
  if (origin !== new URL(c.req.url).origin) {
    throw new ApiError(403, "forbidden", `a signed-in browser's request that changes something must come from this site, not from ${origin ?? "an unknown origin"}`);
  }
}

/**
 * Every /api/v1 request: a bearer token (with the role it was created with; EDDY_API_TOKEN is an
 * admin) or the session cookie (the user's role, with the cross-site checks), then the role check.
 */
export const authenticate: MiddlewareHandler<ApiEnv> = async (c, next) => {
  if (c.req.header("authorization") !== undefined) {
    c.set("principal", { kind: "token", role: await tokenRole(c) });
    return authorize(c, next);
  }
  const user = await sessionUser(c, c.get("db"));
  if (!user) throw new ApiError(401, "unauthorized", "sign in, or send a token: Authorization: Bearer <token>");
  if (!isSafeMethod(c.req.method)) checkSameOrigin(c);
  c.set("principal", { kind: "user", ...user });
  return authorize(c, next);
};
