/**
 * The console in a real browser: one `wrangler dev` per test file on a free port with its own fresh
 * state (D1 migrated, no users), the first admin created the documented way (POST /auth/setup with
 * EDDY_API_TOKEN), and headless Debian chromium through playwright-core.
 *
 *   const eddy = useConsole();           // at the top of a test file
 *   await eddy.page.goto("/flows");      // signed in as the admin
 *   await eddy.api("POST", "/flows", {...}) // the REST API with a bearer token, for setup
 */
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import { Child, WRANGLER, freePort, node } from "./processes";

export const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-quic",
  "--no-first-run",
  "--disable-component-update",
  "--disable-sync",
];
const READY_MS = 90_000;
// Any other step of the start-up; generous, since the machine may be busy.
const STEP_MS = 45_000;

export type Role = "admin" | "editor" | "viewer";
export interface Account {
  email: string;
  password: string;
}
export interface ApiResult<T = any> {
  status: number;
  body: T;
}

export interface EddyConsole {
  /** http://127.0.0.1:<port>; pages and `api` take paths relative to it. */
  origin: string;
  /** EDDY_API_TOKEN of this Worker (bearer for `api`, and for POST /auth/setup). */
  token: string;
  /** The first admin, created by POST /auth/setup. */
  admin: Account;
  browser: Browser;
  /** A page signed in as the admin (its context holds the session cookie). */
  page: Page;
  /** A REST call under /api/v1 with the bearer token: `api("POST", "/flows", {...})`. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<ApiResult<T>>;
  /** A user made through the users API (admin only), with a random password. */
  createUser(role: Role, email?: string): Promise<Account>;
  /** A new browser context and page, signed in as `account` (over HTTP), or not signed in with null. */
  newPage(account: Account | null): Promise<Page>;
  /** Signs a context in over HTTP: POST /auth/login, the session cookie lands in the context. */
  signIn(context: BrowserContext, account: Account): Promise<void>;
  /** Last lines of wrangler dev's output, to explain a failure. */
  logs(): string;
  stop(): Promise<void>;
}

export const randomPassword = () => randomBytes(12).toString("base64url");

/**
 * Starts a fresh Worker and browser; `stop()` ends both and removes the state. `track` gets `stop`
 * before anything starts, so a caller that gives up waiting (a hook's timeout) can still clean up.
 */
export async function startConsole(track: (stop: () => Promise<void>) => void = () => {}): Promise<EddyConsole> {
  const build = inject("consoleBuild");
  if (!build) throw new Error("no console build: run this file in the vitest project `console` (npx vitest run --project console ...)");
  const state = await mkdtemp(join(tmpdir(), "eddy-console-state-"));
  await cp(build.state, state, { recursive: true });
  const token = `console-test-${randomBytes(16).toString("hex")}`;
  // Channel secrets are sealed with this key; set here, so a clone without .dev.vars seals them too.
  const secretsKey = randomBytes(32).toString("base64");
  const children: Child[] = [];
  let browser: Browser | undefined;

  const stop = async () => {
    await browser?.close().catch(() => {});
    for (const child of children) await child.stop();
    await rm(state, { recursive: true, force: true });
  };
  track(stop);

  try {
    // A free port can be taken by someone else's process before wrangler binds it: one more try then.
    let started: { dev: Child; origin: string } | undefined;
    for (let attempt = 1; !started; attempt++) {
      const [port, inspectorPort] = [await freePort(), await freePort()];
      // The config named so that bindings, assets routing and compatibility come from wrangler.toml.
      const dev = node(WRANGLER, [
        "dev", build.entry, "--no-bundle", "--config", "wrangler.toml", "--assets", build.assets,
        "--ip", "127.0.0.1", "--port", String(port), "--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort),
        "--persist-to", state, "--show-interactive-dev-session=false", "--var", `EDDY_API_TOKEN:${token}`, "--var", `EDDY_SECRETS_KEY:${secretsKey}`,
      ]);
      children.push(dev);
      try {
        await waitForHealth(dev, `http://127.0.0.1:${port}`);
        started = { dev, origin: `http://127.0.0.1:${port}` };
      } catch (e) {
        await dev.stop();
        if (attempt === 2) throw e;
      }
    }
    const { dev, origin } = started;

    const admin: Account = { email: "admin@example.org", password: randomPassword() };
    const setup = await fetch(`${origin}/auth/setup`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(admin),
      signal: AbortSignal.timeout(STEP_MS),
    });
    if (setup.status !== 201) throw new Error(`POST /auth/setup answered ${setup.status}: ${await setup.text()}`);

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: STEP_MS });
    const b = browser;

    const api = async <T>(method: string, path: string, body?: unknown): Promise<ApiResult<T>> => {
      const res = await fetch(`${origin}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };

    const signIn = async (context: BrowserContext, account: Account) => {
      const res = await context.request.post(`${origin}/auth/login`, { data: account });
      if (res.status() !== 200) throw new Error(`sign-in of ${account.email} answered ${res.status()}: ${await res.text()}`);
    };

    const newPage = async (account: Account | null) => {
      const context = await b.newContext({ baseURL: origin, viewport: { width: 1280, height: 800 } });
      if (account) await signIn(context, account);
      return context.newPage();
    };

    let users = 0;
    const createUser = async (role: Role, email = `${role}${++users}@example.org`) => {
      const account = { email, password: randomPassword() };
      const res = await api("POST", "/users", { ...account, role });
      if (res.status !== 201) throw new Error(`POST /api/v1/users answered ${res.status}: ${JSON.stringify(res.body)}`);
      return account;
    };

    const page = await newPage(admin);
    return { origin, token, admin, browser: b, page, api, createUser, newPage, signIn, logs: () => dev.tail(), stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function waitForHealth(dev: Child, origin: string): Promise<void> {
  const giveUp = Date.now() + READY_MS;
  for (;;) {
    if (!dev.running) throw new Error(`wrangler dev exited before it was ready:\n${dev.tail()}`);
    try {
      const res = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > giveUp) throw new Error(`wrangler dev not ready after ${READY_MS / 1000} s:\n${dev.tail()}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * One console for the whole test file: started before its first test, stopped after its last.
 * The returned object is filled in by beforeAll, so read its fields inside tests only.
 */
export function useConsole(): EddyConsole {
  const eddy = {} as EddyConsole;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    Object.assign(eddy, await startConsole((s) => (stop = s)));
  });
  afterAll(async () => {
    await stop?.();
  });
  return eddy;
}
