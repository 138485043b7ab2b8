import { Hono } from "hono";
import { z } from "zod";
import { RoleSchema } from "../auth/users";
import type { ApiEnv } from "./context";
import { describe } from "./openapi";

export const MeOut = z.object({
  kind: z.enum(["user", "token"]).describe("signed in with the session cookie, or calling with a bearer token"),
  uuid: z.string().nullable(),
  email: z.string().nullable(),
  role: RoleSchema,
});

/** Who the caller is and what they may do: the console shows or hides its edit buttons by `role`. */
export const meRoutes = new Hono<ApiEnv>().get("/", describe({ tag: "users", summary: "The caller: signed-in user or token, and role", response: MeOut }), (c) => {
  const p = c.get("principal");
  return c.json(p.kind === "user" ? { kind: p.kind, uuid: p.uuid, email: p.email, role: p.role } : { kind: p.kind, uuid: null, email: null, role: p.role });
});
