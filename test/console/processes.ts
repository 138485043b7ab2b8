/** The processes a console test needs, the way a user runs them: wrangler's and vite's CLIs on the project's Node. */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PROJECT_NODE = `${ROOT}node_modules/node/bin/node`;
// wrangler wants Node 22; the project brings it (the `node` package), whatever runs vitest.
export const NODE = existsSync(PROJECT_NODE) ? PROJECT_NODE : process.execPath;
export const WRANGLER = `${ROOT}node_modules/wrangler/bin/wrangler.js`;
export const VITE = `${ROOT}node_modules/vite/bin/vite.js`;
// Non-interactive, nothing sent anywhere, and no restart when someone saves wrangler.toml mid-run.
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

// Children still running when this process exits (a test run interrupted, a hook timed out) are
// killed with it: they run detached, in their own process groups, and would outlive it otherwise.
const running = new Set<number>();
process.once("exit", () => {
  for (const pid of running) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});

/** A child in its own process group, so stopping it also stops the workerd it started. */
export class Child {
  private readonly output: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(private readonly proc: ChildProcess) {
    // Read (so the pipe never fills) and keep the tail to explain a failure.
    const keep = (chunk: Buffer) => {
      this.output.push(...chunk.toString().split("\n").filter(Boolean));
      this.output.splice(0, Math.max(0, this.output.length - 40));
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    running.add(proc.pid!);
    this.exited = new Promise((resolve) =>
      proc.once("exit", (code) => {
        running.delete(proc.pid!);
        resolve(code);
      }),
    );
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  tail(): string {
    return this.output.map((l) => `    ${l}`).join("\n");
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-this.proc.pid!, s);
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

export function node(script: string, args: string[]): Child {
  return new Child(spawn(NODE, [script, ...args], { cwd: ROOT, env: ENV, detached: true, stdio: ["ignore", "pipe", "pipe"] }));
}

/** Runs a command to its end; throws with its output's tail if it fails. */
export async function run(label: string, script: string, args: string[]): Promise<void> {
  const child = node(script, args);
  const code = await child.exited;
  if (code !== 0) throw new Error(`${label} exited with ${code}:\n${child.tail()}`);
}
