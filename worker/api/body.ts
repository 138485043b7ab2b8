import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError, invalidField } from "./errors";

/**
 * Every API body is read here before its zod schema sees it: hono's own json validator reads a body
 * sent with another content type as `{}` (so a form post created an empty contact), and decodes bad
 * UTF-8 to U+FFFD, which would then be stored.
 */

/**
 * The most an API body may hold. A flow definition is stored in one D1 row (at most 2 MB), so no
 * other body needs more; an import carries a whole workspace's flows, each stored in its own row.
 * A bigger body is refused before it is read whole (the Worker has 128 MB for everything).
 */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

const tooLarge = (limit: number) =>
  Response.json({ error: "too_large", message: `the body is larger than ${limit} bytes, the most this route takes` }, { status: 413 });

const limits = new Map([MAX_BODY_BYTES, MAX_IMPORT_BYTES].map((maxSize) => [maxSize, bodyLimit({ maxSize, onError: () => tooLarge(maxSize) })]));

/** Caps every API request's body (the declared length, or what a chunked body turns out to be): 413 past it. */
export const cappedBody: MiddlewareHandler = (c, next) => {
  const limit = c.req.method === "POST" && c.req.path.endsWith("/flows/import") ? MAX_IMPORT_BYTES : MAX_BODY_BYTES;
  return limits.get(limit)!(c, next);
};

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export async function readJsonBody(c: Context): Promise<unknown> {
  const contentType = c.req.header("content-type");
  const mediaType = contentType?.split(";")[0].trim() ?? "";
  if (!JSON_MEDIA_TYPE.test(mediaType)) {
    throw new ApiError(415, "unsupported_media_type", `the body must be JSON sent as content-type: application/json, not ${mediaType ? JSON.stringify(mediaType) : "without a content type"}`);
  }
  let text: string;
  try {
    text = utf8.decode(await c.req.arrayBuffer());
  } catch {
    throw new ApiError(400, "bad_request", "the body is not valid UTF-8");
  }
  if (!text.trim()) throw new ApiError(400, "bad_request", "the body is empty: send a JSON object");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ApiError(400, "bad_request", `the body is not JSON: ${(e as Error).message}`);
  }
  const broken = brokenString(value, "", 0);
  if (broken) throw invalidField(broken.path, broken.message);
  if (c.req.method === "PATCH" && isEmptyObject(value)) throw new ApiError(400, "validation_failed", "the body changes nothing: give at least one field to change");
  return value;
}

const isEmptyObject = (v: unknown) => !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 0;

// NUL ends strings in much of what reads them later; an unpaired UTF-16 surrogate ("\ud800" in
// JSON) is not text at all, and D1 would store it as U+FFFD.
const NUL_OR_LONE_SURROGATE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

// Deeper than any real body (a flow definition nests about ten levels); it bounds the walk below.
const MAX_DEPTH = 64;

/** The first string (value or key) anywhere in the body that cannot be stored as text. */
function brokenString(value: unknown, path: string, depth: number): { path: string; message: string } | null {
  if (depth > MAX_DEPTH) return { path, message: `nests deeper than ${MAX_DEPTH} levels` };
  if (typeof value === "string") return NUL_OR_LONE_SURROGATE.test(value) ? { path, message: "contains a NUL character or an unpaired UTF-16 surrogate" } : null;
  if (!value || typeof value !== "object") return null;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (NUL_OR_LONE_SURROGATE.test(k)) return { path: at, message: "the key contains a NUL character or an unpaired UTF-16 surrogate" };
    const found = brokenString(v, at, depth + 1);
    if (found) return found;
  }
  return null;
}
