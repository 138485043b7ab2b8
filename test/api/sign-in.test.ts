// Console sign-in through the Worker's public routes: the first admin (POST /auth/setup), the
// session cookie, the cross-site checks, roles, the users API and the sign-in throttle.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiToken, ENV_TOKEN, fetchWithEnvToken, ORIGIN } from "./helpers";

const ADMIN = { email: "Admin@Example.org", password: "correct horse battery" };
const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
const setup = (body: unknown, token?: string) =>
  fetchWithEnvToken("/auth/setup", json(body, token ? { authorization: `Bearer ${token}` } : {}));

async function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  return exports.default.fetch(ORIGIN + "/auth/login", json({ email, password }, headers));
}

/** The session cookie ("eddy_session=...") from a sign-in, asserting it went well. */
async function cookieOf(email: string, password: string): Promise<string> {
  const res = await signIn(email, password);
  expect(res.status).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0];
}

/** A browser call: the cookie, and for unsafe methods the console's header and this origin. */
async function browser(cookie: string, method: string, path: string, body?: unknown, headers?: Record<string, string>) {
  const unsafe = method !== "GET" && method !== "HEAD";
  const res = await exports.default.fetch(ORIGIN + "/api/v1" + path, {
    method,
    headers: {
      cookie,
      ...(unsafe ? { "x-requested-with": "eddy-console", origin: ORIGIN } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const bearer = async (method: string, path: string, body?: unknown) => {
  const res = await exports.default.fetch(ORIGIN + "/api/v1" + path, {
    method,
    headers: { authorization: `Bearer ${await apiToken()}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
};

// The tests build on each other: the first admin is made once, as on a fresh install.
describe("the first admin", () => {
  it("is said to be needed (GET /auth/setup, no token) until it exists", async () => {
    const res = await exports.default.fetch(ORIGIN + "/auth/setup");
    expect(await res.json()).toEqual({ needed: true });
  });

  it("needs EDDY_API_TOKEN itself: no token or a created token is refused, and no user is made", async () => {
    expect((await setup(ADMIN)).status).toBe(401);
    expect((await setup(ADMIN, await apiToken())).status).toBe(401);
    expect((await signIn(ADMIN.email, ADMIN.password)).status).toBe(401);
  });

  it("refuses a short password, naming it", async () => {
    const res = await setup({ email: ADMIN.email, password: "short" }, ENV_TOKEN);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "validation_failed", issues: [{ path: "password" }] });
  });

  it("is created once with EDDY_API_TOKEN; a second setup is a 409", async () => {
    const res = await setup(ADMIN, ENV_TOKEN);
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ user: { uuid: expect.any(String), email: "admin@example.org", role: "admin" } });
    const again = await setup({ email: "other@example.org" }, ENV_TOKEN);
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "conflict" });
    expect(await (await exports.default.fetch(ORIGIN + "/auth/setup")).json()).toEqual({ needed: false });
  });
});

describe("signing in", () => {
  it("refuses a wrong password and an unknown email with the same 401", async () => {
    for (const res of [await signIn(ADMIN.email, "wrong password!"), await signIn("nobody@example.org", ADMIN.password)]) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "unauthorized", message: "wrong email or password" });
      expect(res.headers.get("set-cookie")).toBeNull();
    }
  });

  it("sets an HttpOnly, Secure, SameSite=Strict session cookie (email case ignored) that opens the API", async () => {
    const res = await signIn("ADMIN@example.ORG", ADMIN.password);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { email: "admin@example.org", role: "admin" } });
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^eddy_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const me = await browser(cookie.split(";")[0], "GET", "/me");
    expect(me).toEqual({ status: 200, body: { kind: "user", uuid: expect.any(String), email: "admin@example.org", role: "admin" } });
  });

  it("stores only a hash of the session id", async () => {
    const cookie = await cookieOf(ADMIN.email, ADMIN.password);
    const id = cookie.split("=")[1];
    const rows = await env.DB.prepare("SELECT hash FROM sessions").all<{ hash: string }>();
    expect(rows.results.length).toBeGreaterThan(0);
    expect(rows.results.some((r) => r.hash.includes(id))).toBe(false);
  });

  it("leaves the cookie without Secure only on plain-http loopback (wrangler dev)", async () => {
    const res = await exports.default.fetch("http://127.0.0.1:8787/auth/login", json(ADMIN));
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).not.toMatch(/Secure/);
  });

  it("refuses a sign-in posted from another site", async () => {
    const res = await signIn(ADMIN.email, ADMIN.password, { origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("signs out: the session is deleted and the cookie cleared", async () => {
    const cookie = await cookieOf(ADMIN.email, ADMIN.password);
    const out = await exports.default.fetch(ORIGIN + "/auth/logout", { method: "POST", headers: { cookie, "x-requested-with": "eddy-console", origin: ORIGIN } });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/^eddy_session=;.*Max-Age=0/);
    expect((await browser(cookie, "GET", "/me")).status).toBe(401);
  });

  it("ends an expired session, and sweeps expired sessions as people sign in", async () => {
    const cookie = await cookieOf(ADMIN.email, ADMIN.password);
    await env.DB.prepare("UPDATE sessions SET expires_on = '2000-01-01T00:00:00.000Z'").run();
    expect(await browser(cookie, "GET", "/me")).toMatchObject({ status: 401, body: { error: "unauthorized" } });
    const expired = () => env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE expires_on < '2001'").first<{ n: number }>();
    expect((await expired())!.n).toBeGreaterThan(0);
    await cookieOf(ADMIN.email, ADMIN.password);
    expect((await expired())!.n).toBe(0);
  });
});

describe("cross-site requests with the cookie", () => {
  it("refuse a change without X-Requested-With or from another origin, and change nothing", async () => {
    const cookie = await cookieOf(ADMIN.email, ADMIN.password);
    const flow = { name: "CSRF probe", type: "messaging" };
    expect(await browser(cookie, "POST", "/flows", flow, { "x-requested-with": "" })).toMatchObject({ status: 403, body: { error: "forbidden" } });
    expect(await browser(cookie, "POST", "/flows", flow, { origin: "https://evil.example" })).toMatchObject({ status: 403, body: { error: "forbidden" } });
    const list = await bearer("GET", "/flows?limit=500");
    expect(list.body.results.map((f: { name: string }) => f.name)).not.toContain("CSRF probe");
    expect((await browser(cookie, "POST", "/flows", flow)).status).toBe(201);
  });
});

describe("roles", () => {
  it("a viewer reads but changes nothing; an editor changes flows but not users, tokens or channels; admin-only paths refuse both", async () => {
    const viewer = await bearer("POST", "/users", { email: "viewer@example.org", role: "viewer", password: "viewer password" });
    expect(viewer.status).toBe(201);
    expect(viewer.body).toMatchObject({ email: "viewer@example.org", role: "viewer" });
    expect(viewer.body.password).toBeUndefined();
    const editor = await bearer("POST", "/users", { email: "editor@example.org", role: "editor" });
    expect(editor.body.password).toMatch(/^[\w-]{24}$/);

    const v = await cookieOf("viewer@example.org", "viewer password");
    const e = await cookieOf("editor@example.org", editor.body.password);
    expect((await browser(v, "GET", "/me")).body).toMatchObject({ kind: "user", role: "viewer" });
    expect((await browser(v, "GET", "/flows")).status).toBe(200);
    expect((await browser(v, "GET", "/channels")).status).toBe(200);
    expect(await browser(v, "POST", "/flows", { name: "Nope", type: "messaging" })).toMatchObject({
      status: 403,
      body: { error: "forbidden", message: "this needs the editor role; you are a viewer" },
    });
    expect((await browser(e, "POST", "/flows", { name: "By editor", type: "messaging" })).status).toBe(201);
    for (const [method, path] of [["GET", "/users"], ["GET", "/tokens"], ["POST", "/tokens"], ["POST", "/channels"], ["GET", "/users/x"]] as const) {
      expect(await browser(e, method, path, method === "POST" ? {} : undefined)).toMatchObject({ status: 403, body: { message: "this needs the admin role; you are an editor" } });
      expect((await browser(v, method, path, method === "POST" ? {} : undefined)).status).toBe(403);
    }
    expect((await browser(e, "GET", "/channels")).status).toBe(200);
  });

  it("a role change applies to signed-in sessions at once", async () => {
    const { body: users } = await bearer("GET", "/users");
    const viewer = users.results.find((u: { email: string }) => u.email === "viewer@example.org");
    const v = await cookieOf("viewer@example.org", "viewer password");
    expect((await bearer("PATCH", `/users/${viewer.uuid}`, { role: "editor" })).body).toMatchObject({ role: "editor" });
    expect((await browser(v, "POST", "/flows", { name: "Promoted", type: "messaging" })).status).toBe(201);
  });

  it("bearer tokens act as admins, and /me says so", async () => {
    expect(await bearer("GET", "/me")).toEqual({ status: 200, body: { kind: "token", uuid: null, email: null, role: "admin" } });
    expect((await bearer("GET", "/users")).status).toBe(200);
  });
});

describe("the users API", () => {
  it("refuses a taken email (any case) and a bad role or email, naming the field", async () => {
    expect(await bearer("POST", "/users", { email: "VIEWER@example.org", role: "viewer" })).toMatchObject({ status: 409, body: { error: "conflict" } });
    expect(await bearer("POST", "/users", { email: "x@example.org", role: "owner" })).toMatchObject({ status: 400, body: { issues: [{ path: "role" }] } });
    expect(await bearer("POST", "/users", { email: "not an email", role: "viewer" })).toMatchObject({ status: 400, body: { issues: [{ path: "email" }] } });
  });

  it("keeps the last admin: neither demoted nor deleted", async () => {
    const { body } = await bearer("GET", "/users");
    const admin = body.results.find((u: { role: string }) => u.role === "admin");
    expect(await bearer("PATCH", `/users/${admin.uuid}`, { role: "viewer" })).toMatchObject({ status: 409, body: { error: "conflict" } });
    expect((await bearer("DELETE", `/users/${admin.uuid}`)).status).toBe(409);
    expect((await bearer("GET", `/users/${admin.uuid}`)).body.role).toBe("admin");
  });

  it("a new password ends the user's sessions; deleting a user ends them too", async () => {
    const made = await bearer("POST", "/users", { email: "temp@example.org", role: "editor", password: "first password" });
    const first = await cookieOf("temp@example.org", "first password");
    expect((await bearer("PATCH", `/users/${made.body.uuid}`, { password: "second password" })).status).toBe(200);
    expect((await browser(first, "GET", "/me")).status).toBe(401);
    expect((await signIn("temp@example.org", "first password")).status).toBe(401);
    const second = await cookieOf("temp@example.org", "second password");
    expect((await bearer("DELETE", `/users/${made.body.uuid}`)).status).toBe(204);
    expect((await browser(second, "GET", "/me")).status).toBe(401);
    expect((await bearer("GET", `/users/${made.body.uuid}`)).status).toBe(404);
  });
});

describe("changing your own password", () => {
  it("works for any role with the current password, keeps this session and ends the others", async () => {
    await bearer("POST", "/users", { email: "own@example.org", role: "viewer", password: "old password 1" });
    const here = await cookieOf("own@example.org", "old password 1");
    const elsewhere = await cookieOf("own@example.org", "old password 1");
    expect(await browser(here, "POST", "/me/password", { current_password: "wrong one", password: "new password 2" })).toMatchObject({
      status: 400,
      body: { issues: [{ path: "current_password" }] },
    });
    expect((await browser(here, "POST", "/me/password", { current_password: "old password 1", password: "new password 2" })).status).toBe(204);
    expect((await browser(here, "GET", "/me")).status).toBe(200);
    expect((await browser(elsewhere, "GET", "/me")).status).toBe(401);
    expect((await signIn("own@example.org", "old password 1")).status).toBe(401);
    expect((await signIn("own@example.org", "new password 2")).status).toBe(200);
    expect((await bearer("POST", "/me/password", { current_password: "x", password: "new password 3" })).status).toBe(409);
  });
});

describe("password guessing", () => {
  it("locks an email after 5 failures for the rest of its 15-minute window, even with the right password, then lets it in", async () => {
    await bearer("POST", "/users", { email: "target@example.org", role: "viewer", password: "target password" });
    const ip = { "cf-connecting-ip": "198.51.100.7" };
    for (let i = 0; i < 5; i++) expect((await signIn("target@example.org", `guess ${i}`, ip)).status).toBe(401);
    const locked = await signIn("target@example.org", "target password", { "cf-connecting-ip": "198.51.100.8" });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(14 * 60);
    expect(await locked.json()).toMatchObject({ error: "too_many_attempts" });
    expect(locked.headers.get("set-cookie")).toBeNull();
    // Other emails are not locked by it.
    expect((await signIn(ADMIN.email, ADMIN.password, { "cf-connecting-ip": "198.51.100.8" })).status).toBe(200);

    // The window over (moved back rather than waited for), the right password works again.
    await env.DB.prepare("UPDATE sign_in_failures SET window_start = '2000-01-01T00:00:00.000Z' WHERE key = 'email:target@example.org'").run();
    expect((await signIn("target@example.org", "target password", ip)).status).toBe(200);
  });

  it("locks an IP after 30 failures across emails", async () => {
    const ip = { "cf-connecting-ip": "203.0.113.9" };
    for (let i = 0; i < 30; i++) expect((await signIn(`spray${i}@example.org`, "Password123!", ip)).status).toBe(401);
    const res = await signIn(ADMIN.email, ADMIN.password, ip);
    expect(res.status).toBe(429);
    expect((await signIn(ADMIN.email, ADMIN.password, { "cf-connecting-ip": "203.0.113.10" })).status).toBe(200);
  }, 60_000); // 31 password hashes: seconds on a busy machine
});
