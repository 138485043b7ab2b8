import { error, warning } from "../events/diagnostics";
import { urlEncode } from "../excellent";
import { webhookCalled, type CallStatus } from "../events/webhook";
import { truncateEllipsis } from "../limits";
import { saveResult } from "../results";
import { isHttpFailure, type HttpRequest, type HttpResponse } from "../services";
import type { ActionOf, ActionOutcome, Scope } from "./base";
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

/**
 * Calls the URL through the injected client, logs `webhook_called` with the traces, and fills
 * `@webhook` (status code and parsed body) and, with `result_name`, a result: the status code as
 * value, Success or Failure as category, the parsed body as extra.
 */
export async function execute(a: ActionOf<"call_webhook">, s: Scope): Promise<ActionOutcome> {
  // Expressions in the URL are URL-encoded, as goflow does, so `?q=@input.text` stays one parameter.
  const rawURL = s.text(a.url, urlEncode).trim();
  let url: URL;
  try {
    url = new URL(rawURL);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error();
  } catch {
    s.log(error(`'${rawURL}' is not a valid URL`));
    return;
  }
  const blocked = blockedHost(url);
  if (blocked) {
    s.log(error(`webhook to ${url.hostname} not allowed: it is ${blocked}`));
    return;
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.headers ?? {})) headers[k] = s.text(v);
  const body = a.body ? s.text(a.body) : "";
  if (byteLength(body) > MAX_REQUEST_BYTES) {
    s.log(error(`webhook request body is ${byteLength(body)} bytes, at most ${MAX_REQUEST_BYTES}: not sent`));
    return;
  }
  const req: HttpRequest = { method: a.method, url: url.toString(), headers, body };

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
  const kept = tooBig ? null : parsed.json;
  s.run.webhook = {
    method: req.method,
    url: req.url,
    status: statusCode ?? 0,
    json: kept,
    ...(isHttpFailure(res) ? {} : { headers: res.headers }),
  };
  s.session.touch();

  if (a.result_name) {
    const category = status === "success" ? "Success" : "Failure";
    saveResult(s, a.result_name, String(statusCode ?? 0), category, category, `${req.method} ${req.url}`, kept);
  }
}
