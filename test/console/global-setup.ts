/**
 * Once per `vitest --project console` run: the console built, the Worker bundled and a migrated D1
 * made, each into a temporary folder. Every test file then starts its own `wrangler dev` from them
 * (harness.ts) in a second or two. Built apart from ui/dist and without wrangler's watcher, so
 * other people saving files in the same tree neither break a run nor restart the Worker under it.
 */
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { VITE, WRANGLER, run } from "./processes";

export interface ConsoleBuild {
  /** The bundled Worker, for `wrangler dev --no-bundle`. */
  entry: string;
  /** The built console, served as the Worker's static assets. */
  assets: string;
  /** A `--persist-to` folder with D1 migrated; each test file copies it. */
  state: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    consoleBuild: ConsoleBuild;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(join(tmpdir(), "eddy-console-"));
  const assets = join(dir, "ui");
  const bundle = join(dir, "worker");
  const state = join(dir, "state");
  await mkdir(assets);
  // Both run to their end even if one fails, so a failed setup leaves no process or folder behind.
  const steps = await Promise.allSettled([
    // Our own outDir, so another build of ui/ running in the tree (vite locks per project) does not matter.
    run("vite build", VITE, ["build", "ui", "--outDir", assets, "--emptyOutDir", "--bypass-lock", "--logLevel", "warn"]).then(() =>
      run("wrangler deploy --dry-run", WRANGLER, ["deploy", "--dry-run", "--outdir", bundle, "--config", "wrangler.toml", "--assets", assets]),
    ),
    run("wrangler d1 migrations apply", WRANGLER, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state]),
  ]);
  const failed = steps.find((s) => s.status === "rejected");
  if (failed) {
    await rm(dir, { recursive: true, force: true });
    throw failed.reason;
  }
  const [entry] = (await readdir(bundle)).filter((f) => f.endsWith(".js"));
  project.provide("consoleBuild", { entry: join(bundle, entry), assets, state });
  return () => rm(dir, { recursive: true, force: true });
}
