// `npm run deploy` against a stubbed wrangler (test/cli/fixtures/fake-wrangler.mjs) that records
// every call and keeps a pretend account, and `npm run deploy -- --dry-run` with the real one.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000";
const TOML = `name = "eddy"
main = "worker/index.ts"

[[d1_databases]]
binding = "DB"
database_name = "eddy"
database_id = "${PLACEHOLDER_ID}"
migrations_dir = "migrations"

[[queues.producers]]
binding = "FIRES"
queue = "eddy-fires"

[[queues.consumers]]
queue = "eddy-fires"
`;

type Account = { databases: { name: string; uuid: string }[]; queues: string[]; worker: boolean; secrets: string[]; fail?: string; uploaded?: Record<string, string>; secretsFile?: string };

function account(initial: Partial<Account> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "eddy-deploy-test-"));
  const files = { config: join(dir, "wrangler.toml"), state: join(dir, "state.json"), log: join(dir, "calls.log") };
  writeFileSync(files.config, TOML);
  writeFileSync(files.state, JSON.stringify({ databases: [], queues: [], worker: false, secrets: [], ...initial }));
  const deploy = (...args: string[]) => {
    writeFileSync(files.log, "");
    // The real build is left to the dry run below: these check wrangler's calls.
    const r = spawnSync("npm", ["run", "--silent", "deploy", "--", "--config", files.config, "--skip-build", ...args], {
      cwd: root,
      encoding: "utf8",
      env: { ...process.env, EDDY_WRANGLER: join(root, "test/cli/fixtures/fake-wrangler.mjs"), FAKE_WRANGLER_STATE: files.state, FAKE_WRANGLER_LOG: files.log, EDDY_API_TOKEN: "", EDDY_SECRETS_KEY: "" },
    });
    const calls = readFileSync(files.log, "utf8").trim().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as string[]).join(" "));
    return { status: r.status, out: r.stdout, err: r.stderr, calls };
  };
  const state = () => JSON.parse(readFileSync(files.state, "utf8")) as Account;
  const toml = () => readFileSync(files.config, "utf8");
  return { deploy, state, toml };
}

describe("npm run deploy", () => {
  it("on an empty account: creates the database and records its id, creates the queue, migrates, deploys with a new token and secrets key; then again, only what is missing", () => {
    const a = account();
    const first = a.deploy();
    expect(first.status, first.err).toBe(0);
    expect(first.calls.map((c) => c.replace(/--secrets-file \S+/, "--secrets-file FILE"))).toEqual([
      "d1 list --json",
      "d1 create eddy",
      "queues info eddy-fires",
      "queues create eddy-fires",
      "d1 migrations apply DB --remote",
      "secret list --format json",
      "deploy --secrets-file FILE",
    ]);
    const { databases, uploaded, secretsFile, secrets } = a.state();
    expect(a.toml()).toContain(`database_id = "${databases[0].uuid}"`);
    expect(a.toml()).not.toContain(PLACEHOLDER_ID);
    expect(secrets).toEqual(["EDDY_API_TOKEN", "EDDY_SECRETS_KEY"]);
    const uploadedToken = uploaded!.EDDY_API_TOKEN;
    expect(uploadedToken).toMatch(/^eddy_[\w-]{40,}$/);
    expect(Buffer.from(uploaded!.EDDY_SECRETS_KEY, "base64")).toHaveLength(32);
    expect(existsSync(secretsFile!), "the secrets file is removed after the deploy").toBe(false);
    expect(first.out.split(uploadedToken)).toHaveLength(2); // printed once
    expect(first.out).not.toContain(uploaded!.EDDY_SECRETS_KEY); // never printed
    expect(first.out).toMatch(/Webhook base URL: +https:\/\/eddy.test-account.workers.dev\/channels\/\n/);

    const tomlAfterFirst = a.toml();
    const second = a.deploy();
    expect(second.status, second.err).toBe(0);
    expect(second.calls).toEqual(["queues info eddy-fires", "d1 migrations apply DB --remote", "secret list --format json", "deploy"]);
    expect(a.toml()).toBe(tomlAfterFirst);
    expect(a.state().databases).toHaveLength(1);
    expect(second.out).not.toContain(uploadedToken);
    expect(second.out).toMatch(/Webhook base URL: +https:\/\/eddy.test-account.workers.dev\/channels\/\n/);
  }, 120_000);

  it("finds a database that exists but is not in wrangler.toml yet, and creates nothing", () => {
    const a = account({ databases: [{ name: "eddy", uuid: "11111111-2222-4333-8444-555555555555" }], queues: ["eddy-fires"], worker: true, secrets: ["EDDY_API_TOKEN", "EDDY_SECRETS_KEY"] });
    const r = a.deploy();
    expect(r.status, r.err).toBe(0);
    expect(r.calls).toEqual(["d1 list --json", "queues info eddy-fires", "d1 migrations apply DB --remote", "secret list --format json", "deploy"]);
    expect(a.toml()).toContain('database_id = "11111111-2222-4333-8444-555555555555"');
  }, 60_000);

  it("uploads only the secret the Worker lacks, and prints no token when it has one", () => {
    const a = account({ databases: [{ name: "eddy", uuid: "11111111-2222-4333-8444-555555555555" }], queues: ["eddy-fires"], worker: true, secrets: ["EDDY_API_TOKEN"] });
    const r = a.deploy();
    expect(r.status, r.err).toBe(0);
    expect(r.calls.at(-1)).toMatch(/^deploy --secrets-file /);
    expect(Object.keys(a.state().uploaded!)).toEqual(["EDDY_SECRETS_KEY"]);
    expect(r.out).not.toMatch(/eddy_[\w-]{40,}/);
  }, 60_000);

  it("stops at a failed migration, before deploying, and exits 1", () => {
    const a = account({ fail: "d1 migrations" });
    const r = a.deploy();
    expect(r.status).toBe(1);
    expect(r.calls.at(-1)).toBe("d1 migrations apply DB --remote");
    expect(r.err).toContain("wrangler d1 migrations apply DB --remote failed");
  }, 60_000);

  it("stops when the Worker's secrets cannot be listed, rather than replace a token in use", () => {
    const a = account({ databases: [{ name: "eddy", uuid: "11111111-2222-4333-8444-555555555555" }], queues: ["eddy-fires"], worker: true, secrets: ["EDDY_API_TOKEN"], fail: "secret list" });
    const r = a.deploy();
    expect(r.status).toBe(1);
    expect(r.calls.at(-1)).toBe("secret list --format json");
    expect(r.err).toContain("could not list the Worker's secrets");
  }, 60_000);

  it("--dry-run only bundles: no database, queue, migration or secret is touched", () => {
    const a = account();
    const r = a.deploy("--dry-run");
    expect(r.status, r.err).toBe(0);
    expect(r.calls).toEqual(["deploy --dry-run"]);
    expect(a.toml()).toBe(TOML);
  }, 60_000);
});

describe("npm run deploy -- --dry-run, with the real wrangler", () => {
  it("builds the console and bundles the Worker with this repository's wrangler.toml, changing nothing", () => {
    const before = readFileSync(join(root, "wrangler.toml"), "utf8");
    const r = spawnSync("npm", ["run", "--silent", "deploy", "--", "--dry-run"], { cwd: root, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("--dry-run: exiting now.");
    expect(r.stdout).toContain("env.DB (eddy)");
    expect(readFileSync(join(root, "wrangler.toml"), "utf8")).toBe(before);
  }, 120_000);
});
