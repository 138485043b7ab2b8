import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { z } from "zod";

/** A wrong field: `path` is dotted ("urns.0", "fields.age"); flow problems add their node and action. */
export type Issue = { path: string; message: string; level?: "error" | "warning"; node_uuid?: string; action_uuid?: string };

export const IssueSchema = z.object({
  path: z.string(),
  message: z.string(),
  level: z.enum(["error", "warning"]).optional(),
  node_uuid: z.string().optional(),
  action_uuid: z.string().optional(),
});

/** The one error shape every API response uses. */
export const ErrorBody = z.object({
  error: z.string().meta({ examples: ["validation_failed", "not_found", "conflict", "unauthorized"] }),
  message: z.string(),
  issues: z.array(IssueSchema).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 415 | 422 | 429 | 502;

export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
  }

  body(): ErrorBody {
    return { error: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }
}

export function invalid(issues: Issue[], message = describeIssues(issues)): ApiError {
  return new ApiError(400, "validation_failed", message, issues);
}

export function invalidField(path: string, message: string): ApiError {
  return invalid([{ path, message }]);
}

export function notFound(what: string, id: string | number): ApiError {
  return new ApiError(404, "not_found", `${what} ${id} not found`);
}

export function conflict(message: string, issues?: Issue[]): ApiError {
  return new ApiError(409, "conflict", message, issues);
}

export function zodIssues(error: z.core.$ZodError, prefix: (string | number)[] = []): Issue[] {
  return error.issues.map((i) => ({ path: [...prefix, ...i.path].map(String).join("."), message: i.message }));
}

function describeIssues(issues: Issue[]): string {
  const first = issues[0];
  if (!first) return "invalid request";
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
  return `${first.path || "body"}: ${first.message}${more}`;
}

/** The API's onError: known errors keep their status; anything else is a 500 that reveals nothing. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) return c.json(err.body(), err.status);
  // Hono's own validators throw these, e.g. for a body that is not JSON.
  if (err instanceof HTTPException && err.status < 500) {
    return c.json({ error: err.status === 401 ? "unauthorized" : "bad_request", message: err.message }, err.status);
  }
  // Checks run before writes, but two requests can pass them at once: the unique index decides.
  if (/UNIQUE constraint failed/.test(`${err.message} ${(err.cause as Error | undefined)?.message ?? ""}`)) {
    return c.json({ error: "conflict", message: "it was taken by a request that arrived at the same time; try again" }, 409);
  }
  // Drizzle's message carries the query's parameters (a channel's secrets, say); its cause does not.
  const detail = err.cause instanceof Error ? err.cause.message : err.message;
  console.error("api error", c.req.method, c.req.path, `${err.name}: ${detail}`);
  return c.json({ error: "internal_error", message: "something went wrong" }, 500);
}
