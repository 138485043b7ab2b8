import { readCapped } from "../../durable/engine/services";
import { refusedHost } from "./public-host";

/** What the simulator's relay does for one webhook call: goflow's limits where it has them. */
export const RELAY_LIMITS = { timeoutMs: 10_000, maxResponseBytes: 256 * 1024, maxRedirects: 5 };

export type RelayRequest = { method: string; url: string; headers: Record<string, string>; body: string };
export type RelayResult = { status: number; headers: Record<string, string>; body: string } | { error: string };

/**
 * Performs a flow's webhook for the simulator, as the contact's object would (engine/services.ts
 * `fetchHttp`), but following redirects by hand so that a public URL redirecting to a private one
 * is refused too. Failures are answers (`{ error }`), as the engine's HTTP client reports them.
 */
export async function relay(req: RelayRequest): Promise<RelayResult> {
  const deadline = AbortSignal.timeout(RELAY_LIMITS.timeoutMs);
  let url = new URL(req.url);
  let method = req.method;
  let body: string | undefined = method === "GET" || method === "HEAD" || req.body === "" ? undefined : req.body;
  for (let hop = 0; ; hop++) {
    const refused = refusedHost(url);
    if (refused) return { error: `refused: ${refused}` };
    let res: Response;
    try {
      res = await fetch(url, { method, headers: req.headers, body, redirect: "manual", signal: deadline });
    } catch (e) {
      return { error: deadline.aborted ? `no answer within ${RELAY_LIMITS.timeoutMs / 1000} s` : e instanceof Error ? e.message : String(e) };
    }
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      if (hop === RELAY_LIMITS.maxRedirects) return { error: `more than ${RELAY_LIMITS.maxRedirects} redirects` };
      url = new URL(location, url);
      // As browsers and Go do: 303 (and 301/302 after a POST) continue as a GET without a body.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")) [method, body] = ["GET", undefined];
      continue;
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => (headers[k] = v));
    return { status: res.status, headers, body: await readCapped(res, RELAY_LIMITS.maxResponseBytes) };
  }
}

