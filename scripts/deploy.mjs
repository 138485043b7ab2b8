// `npm run deploy`: everything a first deploy needs, in order, and safe to run again:
//   1. build the console (ui/dist, uploaded as the Worker's static assets);
//   2. find or create the D1 database, and record its id in wrangler.toml;
//   3. create the queues wrangler.toml names, if missing;
//   4. apply the D1 migrations remotely;
//   5. deploy, with the secrets the Worker has not got yet (EDDY_API_TOKEN, EDDY_SECRETS_KEY),
//      uploaded with the deploy so the Worker never runs without them;
//   6. print the Worker's URL and its channels' webhook base.
// `npm run deploy -- --dry-run` builds and bundles (`wrangler deploy --dry-run`) and touches nothing.
// `--config <file>` deploys another wrangler config; `--skip-build` deploys ui/dist as it is (built
// by CI, say). EDDY_WRANGLER names another wrangler entry script (the tests use a stub that records
// the calls).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const PLACEHOLDER_ID = "00000000-0000-4000-8000-000000000000";

const args = process.argv.slice(2);
const dryRun = args.includes("--dry-run");
const skipBuild = args.includes("--skip-build");
const configAt = args.indexOf("--config");
const config = configAt >= 0 ? args[configAt + 1] : "wrangler.toml";
const wranglerScript = process.env.EDDY_WRANGLER ?? "node_modules/wrangler/bin/wrangler.js";

const say = (line) => console.log(`[deploy] ${line}`);
function fail(message) {
  console.error(`[deploy] ${message}`);
  process.exit(1);
}

/**
 * Runs wrangler; `capture` returns its stdout instead of streaming it (stderr still shows, except
 * for a `probe`, whose failure is an answer, not an error).
 */
function wrangler(argv, { capture = false, allowFailure = false, probe = false } = {}) {
  const r = spawnSync(process.execPath, [wranglerScript, ...argv, "--config", config], {
    stdio: ["inherit", capture || probe ? "pipe" : "inherit", probe ? "pipe" : "inherit"],
    encoding: "utf8",
    // CI: no prompts (migrations are confirmed, nothing waits on a terminal).
    env: { ...process.env, CI: "true" },
  });
  if (r.status !== 0 && !allowFailure) fail(`wrangler ${argv.join(" ")} failed (exit ${r.status ?? r.signal})`);
  return { ok: r.status === 0, out: r.stdout ?? "", err: r.stderr ?? "" };
}

/** The JSON array in a wrangler command's output (anything printed around it is ignored). */
function jsonArray(text) {
  const start = text.indexOf("[");
  const end = text.lastIndexOf("]");
  if (start < 0 || end < start) return null;
  try {
    return JSON.parse(text.slice(start, end + 1));
  } catch {
    return null;
  }
}

let toml = readFileSync(config, "utf8");
const d1Block = toml.match(/\[\[d1_databases\]\][^[]*/)?.[0];
const databaseName = d1Block?.match(/database_name\s*=\s*"([^"]+)"/)?.[1];
const databaseId = d1Block?.match(/database_id\s*=\s*"([^"]*)"/)?.[1];
if (!d1Block || !databaseName) fail(`${config} has no [[d1_databases]] with a database_name`);
const queues = [...new Set([...toml.matchAll(/^\s*queue\s*=\s*"([^"]+)"/gm)].map((m) => m[1]))];

if (skipBuild) say("1/6 the console: ui/dist as it is (--skip-build)");
else {
  say("1/6 building the console (ui/dist)");
  const build = spawnSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "ui", "--logLevel", "warn"], { stdio: "inherit" });
  if (build.status !== 0) fail("the console did not build");
}

if (dryRun) {
  const known = databaseId && databaseId !== PLACEHOLDER_ID;
  say(`2/6 D1 database "${databaseName}": ${known ? `${databaseId} (from ${config})` : `would be found or created, and its id recorded in ${config}`}`);
  say(`3/6 queues ${queues.join(", ") || "(none)"}: would be created if missing`);
  say("4/6 D1 migrations: would be applied remotely");
  say("5/6 deploy (dry run: bundled and checked, nothing uploaded); EDDY_API_TOKEN and EDDY_SECRETS_KEY would be set with it if the Worker lacks them");
  wrangler(["deploy", "--dry-run"]);
  say("6/6 dry run done: nothing was created, uploaded or changed");
  process.exit(0);
}

say(`2/6 D1 database "${databaseName}"`);
if (!databaseId || databaseId === PLACEHOLDER_ID) {
  const listed = jsonArray(wrangler(["d1", "list", "--json"], { capture: true }).out);
  if (!listed) fail("could not read the list of D1 databases (wrangler d1 list --json)");
  let id = listed.find((db) => db.name === databaseName)?.uuid;
  if (id) say(`found ${databaseName}: ${id}`);
  else {
    const created = wrangler(["d1", "create", databaseName], { capture: true }).out;
    id = created.match(/database_id["'\s:=]+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/)?.[1];
    if (!id) fail(`created ${databaseName} but found no database_id in wrangler's answer:\n${created}`);
    say(`created ${databaseName}: ${id}`);
  }
  toml = toml.replace(d1Block, d1Block.replace(/database_id\s*=\s*"[^"]*"/, `database_id = "${id}"`));
  writeFileSync(config, toml);
  say(`recorded its id in ${config} (commit it in your copy, so the next deploy uses it)`);
} else say(`${databaseId} (from ${config})`);

say(`3/6 queues: ${queues.join(", ") || "none"}`);
for (const queue of queues) {
  if (wrangler(["queues", "info", queue], { probe: true, allowFailure: true }).ok) say(`${queue} exists`);
  else {
    wrangler(["queues", "create", queue]);
    say(`created ${queue}`);
  }
}

say("4/6 applying D1 migrations remotely");
wrangler(["d1", "migrations", "apply", "DB", "--remote"]);

say("5/6 deploying");
// A Worker that does not exist yet has no secrets (its list fails with "not found"). Any other
// failure stops here: guessing "missing" would replace a token that is in use.
const listed = wrangler(["secret", "list", "--format", "json"], { probe: true, allowFailure: true });
if (!listed.ok && !/not found/i.test(listed.err)) fail(`could not list the Worker's secrets:\n${listed.err}`);
const secrets = listed.ok ? jsonArray(listed.out) : [];
if (!secrets) fail(`could not read the Worker's secrets (wrangler secret list):\n${listed.out}`);
// Each missing secret: the value in the environment, else a random one.
const fresh = {
  EDDY_API_TOKEN: () => "eddy_" + randomBytes(32).toString("base64url"),
  EDDY_SECRETS_KEY: () => randomBytes(32).toString("base64"), // AES-256 key for channel secrets (docs/channels.md)
};
const missing = Object.fromEntries(
  Object.entries(fresh)
    .filter(([name]) => !secrets.some((s) => s.name === name))
    .map(([name, make]) => [name, process.env[name] || make()]),
);
const token = missing.EDDY_API_TOKEN;
const secretsDir = Object.keys(missing).length ? mkdtempSync(join(tmpdir(), "eddy-deploy-")) : null;
let deployed;
try {
  const deployArgs = ["deploy"];
  if (secretsDir) {
    say(`with the secrets it has not got yet: ${Object.keys(missing).join(", ")}`);
    writeFileSync(join(secretsDir, "secrets.json"), JSON.stringify(missing), { mode: 0o600 });
    deployArgs.push("--secrets-file", join(secretsDir, "secrets.json"));
  }
  deployed = wrangler(deployArgs, { capture: true, allowFailure: true });
  process.stdout.write(deployed.out);
} finally {
  if (secretsDir) rmSync(secretsDir, { recursive: true, force: true });
}
if (!deployed.ok) fail("wrangler deploy failed");

const urls = deployed.out.match(/https:\/\/[^\s]+/g) ?? [];
const url = (urls.find((u) => u.endsWith(".workers.dev")) ?? urls[0])?.replace(/\/+$/, "");
say("6/6 done");
if (token && !process.env.EDDY_API_TOKEN) {
  console.log(`
EDDY_API_TOKEN was not set, so it is now this random token, shown this once (keep it somewhere safe;
use it to create named tokens: POST /api/v1/tokens; replace it with: npx wrangler secret put EDDY_API_TOKEN):
  ${token}`);
} else if (token) say("EDDY_API_TOKEN set from your environment");
if (missing.EDDY_SECRETS_KEY) {
  say(`EDDY_SECRETS_KEY set${process.env.EDDY_SECRETS_KEY ? " from your environment" : " to a random key, kept only as the Worker's secret"}: channel secrets are encrypted with it, so never change it`);
}
if (url) {
  console.log(`
Eddy is at ${url}
  REST API:         ${url}/api/v1 (OpenAPI document: ${url}/api/v1/openapi.json)
  Webhook base URL: ${url}/channels/
                    (a channel's webhooks are that + {channel uuid}/receive and /status; its API response lists them)
The console's first admin:
  EDDY_API_TOKEN=<the token> node scripts/admin.mjs create you@example.org --url ${url}`);
} else say("wrangler printed no URL: give the Worker a route or enable workers.dev, then use {origin}/channels/ as the webhook base");
