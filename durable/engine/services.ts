/**
 * Everything the engine needs from the outside world, injected so that a sprint is a pure function
 * of its inputs: the same services give the same session and events, in workerd, in Node and in the
 * console's simulator.
 */

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A request that got no HTTP response at all (DNS, refused connection, timeout...). */
export interface HttpFailure {
  error: string;
}

export type HttpClient = (req: HttpRequest) => Promise<HttpResponse | HttpFailure>;

export interface EngineServices {
  /** Epoch nanoseconds. Read once wherever goflow reads its clock (an event, a step, a run...). */
  now(): bigint;
  /** In [0, 1): random router, and `rand()` in templates. */
  random(): number;
  uuid(): string;
  http: HttpClient;
  /**
   * Whether a contact matches a smart group's query, for goflow's re-evaluation of query groups at
   * session start and after each contact change. Without it, query-group memberships stay as given.
   * An invalid query throws (the group is then left as it is).
   */
  matchesQuery?: QueryMatcher;
}

/** Decides a query against a contact, with the workspace's fields and environment for its values. */
export type QueryMatcher = (query: string, contact: import("./contact").ContactJSON, context: QueryContext) => boolean;

export interface QueryContext {
  fields: { key: string; name: string; type: string }[];
  groups: { uuid: string; name: string }[];
  date_format?: string;
  timezone?: string;
}

export function isHttpFailure(r: HttpResponse | HttpFailure): r is HttpFailure {
  return "error" in r;
}

/** A canned response: `status` and `body` are enough, `headers` default to none. */
export type CannedResponse = { status: number; body?: string; headers?: Record<string, string> } | HttpFailure;

/**
 * An HTTP client that serves canned responses per URL, in order; the last one repeats. A URL with
 * no responses gets a connection error, so a test never reaches the network by accident.
 */
export function cannedHttp(mocks: Record<string, CannedResponse[]>): HttpClient {
  const served = new Map<string, number>();
  return async (req) => {
    const responses = mocks[req.url];
    if (!responses || responses.length === 0) return { error: `no canned response for ${req.url}` };
    const i = served.get(req.url) ?? 0;
    served.set(req.url, i + 1);
    const r = responses[Math.min(i, responses.length - 1)];
    if ("error" in r) return { error: r.error };
    return { status: r.status, headers: r.headers ?? {}, body: r.body ?? "" };
  };
}

/**
 * The real thing, for the Worker: `fetch` with a time limit, reading at most `maxBytes` of the
 * response (a larger body is cut there, so a huge answer can't exhaust the object's memory).
 */
export function fetchHttp(timeoutMs = 10_000, maxBytes = 256 * 1024): HttpClient {
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

/** The body up to `maxBytes` bytes; the rest is never read. */
export async function readCapped(res: Response, maxBytes: number): Promise<string> {
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

const NS_PER_MS = 1_000_000n;

/** Wall clock, Math.random and crypto UUIDs: what the Durable Object runs with. */
export function realServices(http: HttpClient = fetchHttp()): EngineServices {
  return {
    now: () => BigInt(Date.now()) * NS_PER_MS,
    random: () => Math.random(),
    uuid: () => crypto.randomUUID(),
    http,
  };
}

/**
 * Deterministic services for replays and tests: a clock that starts at `start` and advances `step`
 * at every read, a seeded random source and UUIDs that count up in version 4 form.
 */
export function replayServices(opts: { start: bigint; step?: bigint; seed?: number; http?: HttpClient }): EngineServices {
  let t = opts.start;
  const step = opts.step ?? 1_000_000_000n;
  let seed = (opts.seed ?? 123456) >>> 0;
  let n = 0;
  return {
    now: () => {
      const v = t;
      t += step;
      return v;
    },
    // mulberry32: small, fast and good enough for routing tests.
    random: () => {
      seed = (seed + 0x6d2b79f5) >>> 0;
      let x = seed;
      x = Math.imul(x ^ (x >>> 15), x | 1);
      x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    },
    uuid: () => {
      n++;
      const hex = n.toString(16).padStart(12, "0");
      return `00000000-0000-4000-8000-${hex}`;
    },
    http: opts.http ?? cannedHttp({}),
  };
}
