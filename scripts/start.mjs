// `npm start`: local D1 migrated, wrangler dev, and the cron trigger fired every minute
// (wrangler dev does not fire cron triggers by itself).
import { spawn, spawnSync } from "node:child_process";

const port = process.env.PORT ?? "8787";
const wrangler = ["node_modules/wrangler/bin/wrangler.js"];

const build = spawnSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "ui", "--logLevel", "warn"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
// Rebuilt on every change under ui/, so a reload shows it.
const watch = spawn(process.execPath, ["node_modules/vite/bin/vite.js", "build", "ui", "--watch", "--logLevel", "warn"], { stdio: "inherit" });

const migrate = spawnSync(process.execPath, [...wrangler, "d1", "migrations", "apply", "DB", "--local"], {
  stdio: "inherit",
  env: { ...process.env, CI: "true" },
});
if (migrate.status !== 0) process.exit(migrate.status ?? 1);

const dev = spawn(process.execPath, [...wrangler, "dev", "--port", port, "--test-scheduled"], { stdio: "inherit" });

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
