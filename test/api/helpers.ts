import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../../worker/index";

export const ORIGIN = "http://eddy.test";
export const ENV_TOKEN = "test-env-token";

/** Calls the Worker with EDDY_API_TOKEN set, as .dev.vars or a deployed secret would set it. */
export async function fetchWithEnvToken(path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(ORIGIN + path, init), { ...env, EDDY_API_TOKEN: ENV_TOKEN }, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

let token: Promise<string> | undefined;

/** A real API token, created once through the API with the env token. */
export function apiToken(): Promise<string> {
  token ??= fetchWithEnvToken("/api/v1/tokens", {
    method: "POST",
    headers: { authorization: `Bearer ${ENV_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "tests" }),
  }).then(async (res) => ((await res.json()) as { token: string }).token);
  return token;
}

export type Result<T = any> = { status: number; body: T };

/** An authenticated JSON call through the Worker's fetch handler. */
export async function call<T = any>(method: string, path: string, body?: unknown): Promise<Result<T>> {
  const res = await exports.default.fetch(ORIGIN + "/api/v1" + path, {
    method,
    headers: { authorization: `Bearer ${await apiToken()}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A short random suffix, so tests don't collide on unique names and URNs. */
export const unique = () => crypto.randomUUID().slice(0, 8);
/** Twelve letters from a fresh id (each hex digit becomes one), for keywords, which take no digits here. */
export const uniqueWord = () => [...crypto.randomUUID().replace(/-/g, "").slice(0, 12)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join("");
