/**
 * A cron tick with 10,000 schedules of which 10 are due, on local workerd (`wrangler dev`, the
 * tick fired through `/cdn-cgi/handler/scheduled`), next to a floor: the same tick with 10
 * schedules, all due. The tick reads due schedules through an index, so the ratio should stay
 * near 1 however many schedules exist.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt } from "./harness";
import { api, type Api } from "./starts/eddy";
import { guarded } from "./starts/guard";
import { executeD1 } from "./starts/local";
import { flowRows, writeSchedules } from "./starts/seed";
import { Cleanup, migrateD1, wranglerDev } from "./webhook/processes";

const SCHEDULES = 10_000;
const DUE = 10;
const TICKS = 15;
const STARTUP_MS = 60_000;
const DEADLINE_MS = 10 * 60_000;
const DAY_MS = 86_400_000;
/** The first tick's time: the due schedules fire daily at this time of day, so each later tick (a day on) finds them due again. */
const FIRST_TICK = Date.parse("2030-01-07T09:00:00.000Z");

type Target = { label: string; origin: string; call: Api };

/** A migrated local D1 with a flow, an empty group and `total` schedules, the first DUE of them due at FIRST_TICK. */
async function seed(cleanup: Cleanup, dir: string, name: string, total: number): Promise<string> {
  const persistTo = join(dir, name);
  const file = join(dir, `${name}.sql`);
  const [flow, group] = [randomUUID(), randomUUID()];
  await writeSchedules(
    file,
    total,
    flow,
    // Nobody: the starts the tick makes finish at once, and their coordinators' work stays out of the next tick.
    { groups: [group] },
    (i) =>
      i < DUE
        ? { schedule: { kind: "daily", time: "09:00", timezone: "UTC" }, nextFireAt: new Date(FIRST_TICK).toISOString() }
        : // Not due before the last tick: a month and more ahead, spread over the minutes.
          { schedule: { kind: "daily", time: "10:00", timezone: "UTC" }, nextFireAt: new Date(FIRST_TICK + 30 * DAY_MS + i * 60_000).toISOString() },
    flowRows(flow) + `INSERT INTO groups (uuid, name) VALUES ('${group}', 'Nobody');\n`,
  );
  await migrateD1(cleanup, persistTo);
  await executeD1(cleanup, persistTo, file);
  return persistTo;
}

/** One tick at `at`: milliseconds until the handler (and what it waits for) is done, checked to have fired DUE starts. */
async function tick(t: Target, at: number): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${t.origin}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("* * * * *")}&time=${at}`);
  const body = await res.text();
  const ms = performance.now() - t0;
  if (!res.ok) throw new Error(`${t.label}: the tick answered ${res.status} ${body.slice(0, 200)}`);
  const made = (await t.call("GET", "/starts?limit=100")).results.filter((s: { created_on: string }) => s.created_on === new Date(at).toISOString());
  if (made.length !== DUE) throw new Error(`${t.label}: the tick at ${new Date(at).toISOString()} made ${made.length} starts, expected ${DUE}`);
  // Their coordinators finish (empty audience) before the next tick.
  for (let i = 0; (await t.call("GET", "/starts?status=running&limit=1")).results.length + (await t.call("GET", "/starts?status=pending&limit=1")).results.length; i++) {
    if (i > 100) throw new Error(`${t.label}: starts of the tick at ${new Date(at).toISOString()} did not finish`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return ms;
}

const median = (ms: number[]) => [...ms].sort((a, b) => a - b)[Math.floor(ms.length / 2)];

export async function cronBench(): Promise<void> {
  console.log(
    `cron: a tick with ${SCHEDULES.toLocaleString("en-US")} schedules of which ${DUE} are due, on wrangler dev (local workerd); floor: the same tick with ${DUE} schedules, all due.\n` +
      `  Each fires ${DUE} starts (for nobody). ${TICKS} ticks each, a day apart, alternating; median ms from calling the scheduled handler to its end.`,
  );
  const [many, floor] = await guarded("cron bench", DEADLINE_MS, async (cleanup) => {
    const dir = await mkdtemp(join(tmpdir(), "eddy-cron-bench-"));
    cleanup.defer(() => rm(dir, { recursive: true, force: true }));
    const token = randomBytes(32).toString("hex");
    const targets = await Promise.all(
      (
        [
          ["10,000", SCHEDULES],
          ["floor", DUE],
        ] as const
      ).map(async ([label, total]): Promise<Target> => {
        const persistTo = await seed(cleanup, dir, label === "floor" ? "floor" : "many", total);
        // wrangler dev serves /cdn-cgi/handler/scheduled without --test-scheduled (that flag adds /__scheduled).
        const origin = await wranglerDev(cleanup, label, { buildDir: join(persistTo, "build"), persistTo, vars: { EDDY_API_TOKEN: token }, readyPath: "/health", timeoutMs: STARTUP_MS });
        return { label, origin, call: api(origin, token) };
      }),
    );
    const times: number[][] = [[], []];
    // Alternating, so both see the same machine; the first tick of each warms its isolate up and is not counted.
    for (let k = 0; k <= TICKS; k++) {
      for (const [i, t] of targets.entries()) {
        const ms = await tick(t, FIRST_TICK + k * DAY_MS);
        if (k > 0) times[i].push(ms);
      }
    }
    return times.map(median);
  });
  const row = (label: string, cell: string) => console.log(`  ${label.padEnd(28)}${cell.padStart(10)}`);
  row("", "tick ms");
  row(`${SCHEDULES.toLocaleString("en-US")} schedules, ${DUE} due`, fmt(many));
  row(`floor: ${DUE} schedules, ${DUE} due`, fmt(floor));
  row("ratio", `×${fmt(many / floor, 2)}`);
}
