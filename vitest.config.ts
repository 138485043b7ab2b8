import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations("migrations");
  return {
    test: {
      projects: [
        {
          // Everything that runs on Cloudflare: the Worker, Durable Objects, D1, and the engine itself.
          plugins: [
            cloudflareTest({
              wrangler: { configPath: "./wrangler.toml" },
              // EDDY_SECRETS_KEY: the tests' own key for channel secrets at rest (docs/channels.md); never a deployed one.
              miniflare: { bindings: { TEST_MIGRATIONS: migrations, EDDY_SECRETS_KEY: "dGVzdHMtb25seS1lZGR5LXNlY3JldHMta2V5LTMyYiE=" } },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/cli/**", "test/console/**"],
            setupFiles: ["./test/apply-migrations.ts", "./test/contact/answer-after-handling.ts"],
          },
        },
        {
          // The command-line tools (conformance, replay) are run as a user runs them, as processes.
          test: { name: "cli", include: ["test/cli/**/*.test.ts"], environment: "node", testTimeout: 60_000 },
        },
        {
          // The console in headless chromium against wrangler dev (test/console/harness.ts). One file
          // at a time, after the other projects, to leave the cores to wrangler and the browser.
          test: {
            name: "console",
            include: ["test/console/**/*.test.ts"],
            environment: "node",
            globalSetup: ["./test/console/global-setup.ts"],
            fileParallelism: false,
            sequence: { groupOrder: 1 },
            testTimeout: 60_000,
            hookTimeout: 300_000,
          },
        },
      ],
    },
  };
});
