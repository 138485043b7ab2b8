/** Local workerd the way a user runs it: wrangler's CLI in its own process, on loopback ports. */
import { spawn, type ChildProcess } from "node:child_process";
import { readdir } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url));
// Non-interactive, and nothing sent anywhere (no metrics, no fetch of Request.cf): the bench talks
// to loopback only. Not watching the config either, like the bundle below.
const ENV = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_CI_DISABLE_CONFIG_WATCHING: "true" };

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A child in its own process group, so stopping it also stops the workerd it started. */
class Child {
  private readonly output: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(
    private readonly proc: ChildProcess,
    onLine?: (line: string) => void,
  ) {
    // Read (so the pipe never fills) and keep the tail to explain a failure.
    const keep = (chunk: Buffer) => {
      const lines = chunk.toString().split("\n").filter(Boolean);
      if (onLine) lines.forEach(onLine);
      this.output.push(...lines);
      this.output.splice(0, Math.max(0, this.output.length - 30));
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => proc.once("exit", (code) => resolve(code)));
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  tail(): string {
    return this.output.map((l) => `    ${l}`).join("\n");
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const group = -this.proc.pid!;
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(group, s);
      } catch {
        // The group is already gone.
      }
    };
    signal("SIGTERM");
    const killed = setTimeout(() => signal("SIGKILL"), 3000);
    await this.exited;
    clearTimeout(killed);
  }
}

const report = (e: unknown) => console.error(`  cleanup: ${e instanceof Error ? e.message : e}`);

/** What to undo, last first, whether the bench ends well or not. */
export class Cleanup {
  private readonly steps: (() => Promise<void>)[] = [];
  private done?: Promise<void>;

  /** A step deferred once cleaning has begun (a process spawned just as the deadline hit) runs at once. */
  defer(step: () => Promise<void>): void {
    if (this.done) void step().catch(report);
    else this.steps.push(step);
  }

  /** The same promise to every caller (a signal and the failing run both call it), so none exits half-way. */
  run(): Promise<void> {
    this.done ??= (async () => {
      for (const step of this.steps.reverse()) {
        await step().catch(report);
      }
    })();
    return this.done;
  }
}

function wrangler(cleanup: Cleanup, args: string[], onLine?: (line: string) => void): Child {
  const proc = spawn(process.execPath, [WRANGLER, ...args], { cwd: ROOT, env: ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const child = new Child(proc, onLine);
  cleanup.defer(() => child.stop());
  return child;
}

/** `wrangler d1 migrations apply DB --local` into `persistTo`, as `npm start` does before serving. */
export async function migrateD1(cleanup: Cleanup, persistTo: string): Promise<void> {
  const child = wrangler(cleanup, ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistTo]);
  const code = await child.exited;
  if (code !== 0) throw new Error(`wrangler d1 migrations apply exited with ${code}:\n${child.tail()}`);
}

/**
 * The Worker bundled once, as `wrangler deploy` bundles it. wrangler dev would rebuild and restart
 * it whenever a source file is saved, failing the requests in flight and mixing two builds' figures.
 */
async function bundle(cleanup: Cleanup, label: string, outdir: string, config: string): Promise<string> {
  const child = wrangler(cleanup, ["deploy", "--dry-run", "--outdir", outdir, "--config", config]);
  const code = await child.exited;
  if (code !== 0) throw new Error(`${label}: wrangler deploy --dry-run exited with ${code}:\n${child.tail()}`);
  const [entry] = (await readdir(outdir)).filter((f) => f.endsWith(".js"));
  return join(outdir, entry);
}

/** `wrangler dev` (Eddy's config unless told otherwise) on free loopback ports; resolves to its origin once `readyPath` answers 200. */
export async function wranglerDev(
  cleanup: Cleanup,
  label: string,
  opts: { config?: string; buildDir: string; persistTo: string; vars?: Record<string, string>; readyPath: string; timeoutMs: number; onLine?: (line: string) => void },
): Promise<string> {
  const config = opts.config ?? "wrangler.toml";
  const entry = await bundle(cleanup, label, opts.buildDir, config);
  const [port, inspectorPort] = [await freePort(), await freePort()];
  // The config named even so: given a script, wrangler would look for one next to it.
  const args = ["dev", entry, "--no-bundle", "--config", config, "--ip", "127.0.0.1", "--port", String(port), "--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort), "--persist-to", opts.persistTo, "--show-interactive-dev-session=false"];
  // A fresh key for channel secrets at rest (worker/channels/secrets.ts): each run's state is its own.
  const vars = { EDDY_SECRETS_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64"), ...opts.vars };
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  const child = wrangler(cleanup, args, opts.onLine);
  const origin = `http://127.0.0.1:${port}`;

  const giveUp = Date.now() + opts.timeoutMs;
  for (;;) {
    if (!child.running) throw new Error(`${label}: wrangler dev exited before it was ready:\n${child.tail()}`);
    try {
      const res = await fetch(origin + opts.readyPath, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) return origin;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > giveUp) throw new Error(`${label}: wrangler dev not ready after ${opts.timeoutMs / 1000} s:\n${child.tail()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
