import type { Fetcher, SendResult } from "../types";

export type SendFailure = Extract<SendResult, { ok: false }>;

const TIMEOUT_MS = 30_000;
const MAX_ERROR_CHARS = 300;

/** Replaces every secret value in text, so provider echoes and URLs (Telegram's /bot{token}/) never leak one. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("***");
  return out;
}

/** Retry-After in seconds, from either of its two forms (delta-seconds or an HTTP date). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export interface ErrorDetail {
  message?: string;
  retryAfterSeconds?: number;
  /** Overrides the status-based rule, for providers that signal throttling in the body (Meta). */
  retryable?: boolean;
}

export type ApiOutcome = { ok: true; status: number; body: unknown } | SendFailure;

/**
 * One provider API call, classified: 2xx gives the parsed body; 429, 5xx and network errors are
 * retryable (honouring Retry-After), other statuses are not. Error strings are scrubbed of secrets.
 */
export async function callApi(
  fetcher: Fetcher,
  label: string,
  url: string,
  init: RequestInit,
  secrets: readonly string[],
  describe?: (body: unknown) => ErrorDetail,
): Promise<ApiOutcome> {
  let res: Response;
  try {
    res = await fetcher(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return { ok: false, retryable: true, error: scrub(`${label}: network error (${reason})`, secrets).slice(0, MAX_ERROR_CHARS) };
  }
  const text = await res.text().catch(() => "");
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Some error pages are HTML or plain text; the raw text is used below.
  }
  if (res.ok) return { ok: true, status: res.status, body };

  const detail = body !== undefined && describe ? describe(body) : {};
  const retryable = detail.retryable ?? (res.status === 429 || res.status >= 500);
  const retryAfterSeconds = parseRetryAfter(res.headers.get("retry-after")) ?? detail.retryAfterSeconds;
  const message = detail.message ?? text.replace(/\s+/g, " ").trim();
  const error = scrub(`${label} ${res.status}${message ? `: ${message}` : ""}`, secrets).slice(0, MAX_ERROR_CHARS);
  return retryAfterSeconds !== undefined && retryable ? { ok: false, retryable, retryAfterSeconds, error } : { ok: false, retryable, error };
}

export function failure(error: string, retryable = false): SendFailure {
  return { ok: false, retryable, error };
}

/**
 * Sends a message that takes several provider requests, in order, starting at fromPart. The last
 * part carries the text (and quick replies), so its id is the message's externalId even when a
 * retry resumes half-way.
 */
export async function sendParts(
  count: number,
  fromPart: number | undefined,
  sendPart: (index: number) => Promise<{ ok: true; externalId: string } | SendFailure>,
): Promise<SendResult> {
  const start = Math.min(Math.max(fromPart ?? 0, 0), count - 1);
  let last = "";
  for (let i = start; i < count; i++) {
    const r = await sendPart(i);
    if (!r.ok) return i > 0 ? { ...r, partsSent: i } : r;
    last = r.externalId;
  }
  return { ok: true, externalId: last };
}

/** The secret values of a parsed config, for scrubbing. */
export function secretValues(config: Record<string, unknown>, keys: readonly string[]): string[] {
  return keys.map((k) => config[k]).filter((v): v is string => typeof v === "string" && v.length > 0);
}
