// Sessions slide: each request pushes the end back by the idle timeout, never past the absolute
// maximum after sign-in (docs/console.md, "Sessions"). The Worker's clock is moved with vi's fake
// Date; everything goes through its public routes.
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, ORIGIN, unique } from "./helpers";

const HOUR = 3600_000;

async function signIn(email: string, password: string): Promise<string> {
  const res = await exports.default.fetch(ORIGIN + "/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  expect(res.headers.get("set-cookie")).toMatch(/Max-Age=604800/);
  return res.headers.get("set-cookie")!.split(";")[0];
}

const me = async (cookie: string) => (await exports.default.fetch(ORIGIN + "/api/v1/me", { headers: { cookie } })).status;

async function user(): Promise<{ cookie: string; email: string }> {
  const email = `session-${unique()}@example.org`;
  expect((await call("POST", "/users", { email, role: "viewer", password: "session password" })).status).toBe(201);
  vi.useFakeTimers({ toFake: ["Date"] });
  return { cookie: await signIn(email, "session password"), email };
}

afterEach(() => void vi.useRealTimers());

describe("a session", () => {
  it("ends 12 hours after its last request", async () => {
    const { cookie } = await user();
    const t0 = Date.now();
    vi.setSystemTime(t0 + 11 * HOUR);
    expect(await me(cookie)).toBe(200);
    // 22 hours after sign-in, 11 after the last request: still signed in.
    vi.setSystemTime(t0 + 22 * HOUR);
    expect(await me(cookie)).toBe(200);
    // 12 hours and a minute of silence.
    vi.setSystemTime(t0 + 34 * HOUR + 60_000);
    expect(await me(cookie)).toBe(401);
  });

  it("without any request, ends 12 hours after sign-in", async () => {
    const { cookie } = await user();
    const t0 = Date.now();
    vi.setSystemTime(t0 + 12 * HOUR + 60_000);
    expect(await me(cookie)).toBe(401);
  });

  it("ends 7 days after sign-in however active, and signing in again starts a new one", async () => {
    const { cookie, email } = await user();
    const t0 = Date.now();
    for (let h = 10; h < 7 * 24; h += 10) {
      vi.setSystemTime(t0 + h * HOUR);
      expect(await me(cookie)).toBe(200);
    }
    vi.setSystemTime(t0 + 7 * 24 * HOUR - 60_000);
    expect(await me(cookie)).toBe(200);
    vi.setSystemTime(t0 + 7 * 24 * HOUR + 60_000);
    expect(await me(cookie)).toBe(401);
    expect(await me(await signIn(email, "session password"))).toBe(200);
  });
});
