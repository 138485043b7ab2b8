import type { HttpClient } from "../engine";

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const WEBHOOK_MAX_BYTES = 256 * 1024;

/**
 * The engine's HTTP client for flow webhooks: fetch with a time limit, reading at most
 * `maxBytes` of the response (a larger body is cut there, so a huge answer can't exhaust memory).
 */
export function cappedFetchHttp(timeoutMs = WEBHOOK_TIMEOUT_MS, maxBytes = WEBHOOK_MAX_BYTES): HttpClient {
  return async (req) => {
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.method === "GET" || req.method === "HEAD" || req.body === "" ? undefined : req.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k] = v));
      return { status: res.status, headers, body: await readCapped(res, maxBytes) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  };
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value.subarray(0, maxBytes - size));
    size += Math.min(value.byteLength, maxBytes - size);
  }
  await reader.cancel().catch(() => {});
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.byteLength;
  }
  return new TextDecoder().decode(all);
}
