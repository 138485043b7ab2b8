import { error, warning } from "../events/diagnostics";
import { webhookCalled, type CallStatus } from "../events/webhook";
import { truncateEllipsis } from "../limits";
import { saveResult } from "../results";
import { isHttpFailure, type HttpRequest, type HttpResponse } from "../services";
import type { Scope } from "./base";
import { blockedHost } from "./webhook-access";

/** goflow's defaults: a request body at most 256 KiB; a response kept in the run at most 10,000 bytes. */
export const MAX_REQUEST_BYTES = 256 * 1024;
export const MAX_KEPT_RESPONSE_BYTES = 10_000;

const byteLength = (s: string) => new TextEncoder().encode(s).length;

const REASONS: Record<number, string> = {
  200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently", 302: "Found",
  304: "Not Modified", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
  405: "Method Not Allowed", 409: "Conflict", 410: "Gone", 422: "Unprocessable Entity", 429: "Too Many Requests",
  500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
};

/** The raw HTTP text of a request, as goflow's traces show it. */
function requestTrace(req: HttpRequest, url: URL): string {
  const lines = [`${req.method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const [k, v] of Object.entries(req.headers)) lines.push(`${k}: ${v}`);
  return lines.join("\r\n") + "\r\n\r\n" + req.body;
}

function responseTrace(res: HttpResponse): string {
  const lines = [`HTTP/1.1 ${res.status} ${REASONS[res.status] ?? ""}`.trimEnd()];
  for (const [k, v] of Object.entries(res.headers)) lines.push(`${k}: ${v}`);
  return lines.join("\r\n") + "\r\n\r\n" + res.body;
}

function parseBody(body: string): { json: unknown; extraction: "none" | "valid" | "invalid" } {
  if (body.trim() === "") return { json: null, extraction: "none" };
  try {
    return { json: JSON.parse(body), extraction: "valid" };
  } catch {
    return { json: null, extraction: "invalid" };
  }
}

/** One call made: what `@webhook` and a result are made of. */
export interface Call {
  method: string;
  url: string;
  status: CallStatus;
  statusCode: number;
  json: unknown;
  headers?: Record<string, string>;
}

/** A URL a flow may call, or undefined with the error logged (invalid, or a blocked host). */
export function callableURL(s: Scope, raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
  } catch {
    s.log(error(`'${raw}' is not a valid URL`, "invalid_value"));
    return undefined;
  }
  const blocked = blockedHost(url);
  if (blocked) {
    s.log(error(`webhook to ${url.hostname} not allowed: it is ${blocked}`, "not_allowed"));
    return undefined;
  }
  return url;
}

/**
 * Makes one call through the injected client and logs `webhook_called` with the traces; a body
 * over the request limit is not sent (an error), a response over the kept limit is not kept (a
 * warning). Undefined when nothing was sent.
 */
export async function makeCall(s: Scope, method: string, url: URL, headers: Record<string, string>, body: string): Promise<Call | undefined> {
  if (byteLength(body) > MAX_REQUEST_BYTES) {
    s.log(error(`webhook request body is ${byteLength(body)} bytes, at most ${MAX_REQUEST_BYTES}: not sent`, "too_large"));
    return undefined;
  }
  const req: HttpRequest = { method, url: url.toString(), headers, body };
  const services = s.session.services;
  const start = services.now();
  const res = await services.http(req);
  const elapsedMs = Number((services.now() - start) / 1_000_000n);

  const max = s.session.limits.maxTraceChars;
  let status: CallStatus;
  let statusCode: number | undefined;
  let response: string | undefined;
  let parsed: ReturnType<typeof parseBody> = { json: null, extraction: "none" };
  if (isHttpFailure(res)) {
    status = "connection_error";
  } else {
    statusCode = res.status;
    status = res.status >= 400 ? "response_error" : "success";
    response = truncateEllipsis(responseTrace(res), max);
    parsed = parseBody(res.body);
  }
  // A big answer is not kept in the run (nor as a result's extra), as in goflow.
  const tooBig = parsed.json !== null && !isHttpFailure(res) && byteLength(res.body) > MAX_KEPT_RESPONSE_BYTES;

  s.log(
    webhookCalled({
      url: truncateEllipsis(req.url, 2048),
      status,
      ...(statusCode !== undefined ? { status_code: statusCode } : {}),
      elapsed_ms: elapsedMs,
      retries: 0,
      request: truncateEllipsis(requestTrace(req, url), max),
      ...(response !== undefined ? { response } : {}),
      extraction: parsed.extraction,
    }),
  );
  if (tooBig) s.log(warning(`webhook response is over ${MAX_KEPT_RESPONSE_BYTES} bytes: not kept as @webhook.json or the result's extra`));
  return {
    method,
    url: req.url,
    status,
    statusCode: statusCode ?? 0,
    json: tooBig ? null : parsed.json,
    ...(isHttpFailure(res) ? {} : { headers: res.headers }),
  };
}

/**
 * `@webhook` becomes the call and, with a result name, a result: the status code as value, Success
 * or Failure as category (or what `categoryOf` says), `METHOD url` as input, the kept JSON as extra.
 */
export function keepCall(s: Scope, call: Call, resultName: string | undefined, categoryOf: (c: Call) => string = (c) => (c.status === "success" ? "Success" : "Failure")): void {
  s.run.webhook = { method: call.method, url: call.url, status: call.statusCode, json: call.json, ...(call.headers ? { headers: call.headers } : {}) };
  s.session.touch();
  if (resultName) {
    const category = categoryOf(call);
    saveResult(s, resultName, String(call.statusCode), category, category, `${call.method} ${call.url}`, call.json);
  }
}
