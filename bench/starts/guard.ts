import { Cleanup } from "../webhook/processes";

/**
 * Runs a bench with a deadline, undoing what it set up (processes, temp dirs) however it ends:
 * done, failed, timed out, or interrupted (Ctrl-C must not leave wrangler and workerd running).
 */
export async function guarded<T>(label: string, deadlineMs: number, run: (cleanup: Cleanup) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup();
  // Kept for repeated signals (tsx relays one more): with no listener left Node would exit half-way through the cleanup.
  const interrupted = () => void cleanup.run().finally(() => process.exit(130));
  process.on("SIGINT", interrupted);
  process.on("SIGTERM", interrupted);
  let deadline: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      deadline = setTimeout(() => reject(new Error(`${label}: not done after ${deadlineMs / 1000} s`)), deadlineMs);
    });
    return await Promise.race([run(cleanup), timeout]);
  } finally {
    clearTimeout(deadline);
    process.off("SIGINT", interrupted);
    process.off("SIGTERM", interrupted);
    await cleanup.run();
  }
}
