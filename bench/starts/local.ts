/** What bench/webhook/processes.ts does not cover: running SQL files into local D1, and workerd's memory. */
import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Cleanup } from "../webhook/processes";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WRANGLER = fileURLToPath(new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url));

/** `wrangler d1 execute DB --local --file`: bulk rows as literal multi-row INSERTs, far faster than the API. */
export async function executeD1(cleanup: Cleanup, persistTo: string, file: string): Promise<void> {
  const proc = spawn(process.execPath, [WRANGLER, "d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", file, "--yes"], {
    cwd: ROOT,
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
  proc.stdout.on("data", keep);
  proc.stderr.on("data", keep);
  const exited = new Promise<number | null>((resolve) => proc.once("exit", resolve));
  // Its own process group, so a bench stopped half-way also stops the workerd it runs.
  cleanup.defer(async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    process.kill(-proc.pid!, "SIGKILL");
    await exited;
  });
  const code = await exited;
  if (code !== 0) throw new Error(`wrangler d1 execute --file ${file} exited with ${code}:\n${output}`);
}

async function parents(): Promise<Map<number, { ppid: number; comm: string }>> {
  const procs = new Map<number, { ppid: number; comm: string }>();
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      procs.set(Number(entry), { comm: stat.slice(stat.indexOf("(") + 1, close), ppid: Number(stat.slice(close + 2).split(" ")[1]) });
    } catch {
      // Gone meanwhile.
    }
  }
  return procs;
}

/**
 * The workerd that runs the Worker under the one wrangler dev this bench has running: found
 * through /proc among this process's descendants, since wrangler dev does not say. wrangler dev
 * starts two: a proxy on the public port, and the runtime, the one with an inspector.
 */
export async function ownWorkerd(): Promise<number> {
  const procs = await parents();
  const ours = (pid: number): boolean => {
    for (let p = procs.get(pid)?.ppid; p; p = procs.get(p)?.ppid) if (p === process.pid) return true;
    return false;
  };
  const found: number[] = [];
  for (const [pid, p] of procs) {
    if (p.comm !== "workerd" || !ours(pid)) continue;
    const args = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0");
    if (args.some((a) => a.startsWith("--inspector-addr"))) found.push(pid);
  }
  if (found.length !== 1) throw new Error(`expected one workerd running a Worker for this bench, found ${found.length}`);
  return found[0];
}

/** A process's memory from /proc/<pid>/status, in MiB: `VmHWM` is its peak resident set, `VmRSS` its current one. */
export async function memoryMB(pid: number, field: "VmHWM" | "VmRSS"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  if (!kb) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kb[1]) / 1024;
}
