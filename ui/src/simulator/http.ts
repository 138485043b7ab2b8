import type { HttpClient } from "../../../durable/engine";
import { api, ApiFailure } from "../api";

/** A canned answer for a URL the user typed in; a URL ending in `*` matches every URL it begins. */
export type Mock = { url: string; status: number; body: string };

export function findMock(mocks: Mock[], url: string): Mock | undefined {
  return (
    mocks.find((m) => m.url === url) ??
    mocks.filter((m) => m.url.endsWith("*") && url.startsWith(m.url.slice(0, -1))).sort((a, b) => b.url.length - a.url.length)[0]
  );
}

/**
 * The simulator's webhooks: a mock when one matches, else the real call made by the Worker
 * (POST /api/v1/simulator/http; the browser itself cannot call arbitrary hosts).
 */
export function simulatorHttp(mocks: () => Mock[]): HttpClient {
  return async (req) => {
    const mock = findMock(mocks(), req.url);
    if (mock) return mock.status === 0 ? { error: "mocked connection error" } : { status: mock.status, headers: { "content-type": "application/json" }, body: mock.body };
    try {
      return await api("simulator/http", { method: "POST", body: req });
    } catch (e) {
      return { error: e instanceof ApiFailure ? e.message : String(e) };
    }
  };
}
