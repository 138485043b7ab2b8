// The console's one way to the server: the same /api/v1 as every other client, signed in by the
// session cookie. Unsafe methods carry X-Requested-With, which a cross-site form cannot send.

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") headers["x-requested-with"] = "eddy-console";
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path.startsWith("/") ? path : `/api/v1/${path}`, {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    credentials: "same-origin",
    signal: init.signal,
  });
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) {
    if (res.status === 401 && !location.pathname.startsWith("/login")) {
      location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    }
    throw new ApiFailure(res.status, body?.error ?? "error", body?.message ?? res.statusText, body);
  }
  return body as T;
}
