// `npm start`: local D1 migrated, wrangler dev, and the cron trigger fired every minute
// (wrangler dev does not fire cron triggers by itself).
import { spawn, spawnSync } from "node:child_process";
import { ensureDevVars } from "./dev-vars.mjs";

const port = process.env.PORT ?? "8787";
const wroteDevVars = ensureDevVars(process.cwd());
const wrangler = ["node_modules/wrangler/bin/wrangler.js"];

const build = spawnSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "ui", "--logLevel", "warn"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
// Rebuilt on every change under ui/, so a reload shows it. Vite locks a build per mode for as long
// as it runs; the watcher takes "development" (the output is the same) so that `npm test`,
// `npm run build:ui` and `npm run deploy` can build meanwhile.
const watch = spawn(process.execPath, ["node_modules/vite/bin/vite.js", "build", "ui", "--watch", "--mode", "development", "--logLevel", "warn"], {
  stdio: "inherit",
});

// CI skips the confirmation prompt; WRANGLER_LOG=warn keeps the per-migration tables out of the way
// (errors still show).
const migrate = spawnSync(process.execPath, [...wrangler, "d1", "migrations", "apply", "DB", "--local"], {
  stdio: "inherit",
  env: { ...process.env, CI: "true", WRANGLER_LOG: process.env.WRANGLER_LOG ?? "warn" },
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);
console.log("[eddy] local D1 migrated");

// Eddy never reads request.cf, so the placeholder does: no lookup of workers.cloudflare.com (and no
// warning with a stack trace when offline).
const dev = spawn(process.execPath, [...wrangler, "dev", "--port", port, "--test-scheduled"], {
  stdio: "inherit",
  env: { CLOUDFLARE_CF_FETCH_ENABLED: "false", ...process.env },
});

// Said once the server answers, so wrangler's start-up lines don't bury it; the token stays in the file.
async function sayWhereTheTokenIs() {
  while (!(await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 500));
  console.log(`
[eddy] Wrote ${wroteDevVars} (git-ignored): EDDY_API_TOKEN, the API's first token, and EDDY_SECRETS_KEY, which encrypts channel secrets. Try:
  curl -H "Authorization: Bearer $(sed -n 's/^EDDY_API_TOKEN=//p' ${wroteDevVars})" http://localhost:${port}/api/v1/flows
`);
}
if (wroteDevVars) sayWhereTheTokenIs();

const fireCron = async () => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}`);
    if (!res.ok) console.error(`[eddy] cron tick answered ${res.status}`);
  } catch {
    // wrangler dev is still starting or restarting; the next minute will try again.
  }
};
const untilNextMinute = 60_000 - (Date.now() % 60_000);
const timer = setTimeout(() => {
  fireCron();
  setInterval(fireCron, 60_000);
}, untilNextMinute);

const stop = () => {
  clearTimeout(timer);
  dev.kill("SIGINT");
  watch.kill("SIGINT");
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
dev.on("exit", (code) => process.exit(code ?? 0));
