import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler } from "hono";
import type { RouterRoute } from "hono/types";
import { z } from "zod";
import { readJsonBody } from "./body";
import { ErrorBody, invalid, zodIssues } from "./errors";

/**
 * The OpenAPI document is built from the routes themselves: `validate()` and `describe()` are
 * middlewares that carry their zod schemas, so the document cannot drift from what is enforced.
 */
const META = Symbol("openapi");

type Target = "json" | "query";
type RouteMeta = {
  summary?: string;
  tag?: string;
  /** The success status and body; a null body means no content (204). */
  status?: number;
  response?: z.ZodType | null;
  json?: z.ZodType;
  query?: z.ZodType;
  public?: boolean;
};
type Tagged = { [META]?: RouteMeta };

/**
 * zValidator whose failures are the API's 400 with every wrong field named. A JSON body is first
 * checked by readJsonBody (content type, UTF-8, JSON, NUL, empty PATCH), which zValidator skips.
 */
export function validate<T extends z.ZodType, Tg extends Target>(target: Tg, schema: T) {
  const middleware = zValidator(target, schema, (result) => {
    if (!result.success) throw invalid(zodIssues(result.error));
  });
  const checked: typeof middleware =
    target === "json"
      ? async (c, next) => {
          await readJsonBody(c);
          return middleware(c, next);
        }
      : middleware;
  return Object.assign(checked, { [META]: { [target]: schema } as RouteMeta });
}

/** Documents a route: what it does, and the shape of its success response. */
export function describe(meta: Omit<RouteMeta, Target>): MiddlewareHandler {
  const middleware: MiddlewareHandler = (_c, next) => next();
  return Object.assign(middleware, { [META]: meta });
}

const jsonSchema = (schema: z.ZodType, io: "input" | "output") =>
  z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;

function queryParameters(schema: z.ZodType) {
  const js = jsonSchema(schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(js.properties ?? {}).map(([name, s]) => ({
    name,
    in: "query",
    required: js.required?.includes(name) ?? false,
    schema: s,
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: jsonSchema(ErrorBody, "output") } },
});

export function openApiDocument(routes: RouterRoute[], serverUrl: string) {
  const operations = new Map<string, { method: string; path: string; meta: RouteMeta }>();
  for (const route of routes) {
    if (route.method === "ALL") continue; // middleware, not an operation
    const key = `${route.method} ${route.path}`;
    const op = operations.get(key) ?? { method: route.method.toLowerCase(), path: route.path, meta: {} };
    Object.assign(op.meta, (route.handler as Tagged)[META]);
    operations.set(key, op);
  }

  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, path, meta } of operations.values()) {
    const pathParams = [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);
    const oaPath = path.replace(/:(\w+)/g, "{$1}");
    const status = String(meta.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]:
        meta.response === null || status === "204"
          ? { description: "no content" }
          : { description: "success", content: { "application/json": { schema: meta.response ? jsonSchema(meta.response, "output") : {} } } },
    };
    if (meta.json || meta.query || pathParams.length) responses["400"] = errorResponse("a field is wrong: `issues` names each one");
    if (meta.json) responses["415"] = errorResponse("the body is not sent as application/json");
    if (!meta.public) responses["401"] = errorResponse("missing or unknown bearer token");
    if (pathParams.length) responses["404"] = errorResponse("no such resource");

    (paths[oaPath] ??= {})[method] = {
      operationId: `${method}${oaPath.replace(/[{}]/g, "").replace(/\/(\w)/g, (_, c: string) => c.toUpperCase())}`,
      summary: meta.summary,
      tags: meta.tag ? [meta.tag] : undefined,
      security: meta.public ? [] : undefined,
      parameters: [
        ...pathParams.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
        ...(meta.query ? queryParameters(meta.query) : []),
      ],
      requestBody: meta.json ? { required: true, content: { "application/json": { schema: jsonSchema(meta.json, "input") } } } : undefined,
      responses,
    };
  }

  return {
    openapi: "3.1.0",
    info: { title: "Eddy API", version: "1", description: "Messaging flows at the edge. See docs/api.md." },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: [{ bearer: [] }],
    paths,
  };
}
