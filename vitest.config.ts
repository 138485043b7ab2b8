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
              miniflare: { bindings: { TEST_MIGRATIONS: migrations } },
            }),
          ],
          test: {
            name: "workers",
            include: ["test/**/*.test.ts"],
            exclude: ["test/cli/**"],
            setupFiles: ["./test/apply-migrations.ts"],
          },
        },
        {
          // The command-line tools (conformance, replay) are run as a user runs them, as processes.
          test: { name: "cli", include: ["test/cli/**/*.test.ts"], environment: "node", testTimeout: 60_000 },
        },
      ],
    },
  };
});
