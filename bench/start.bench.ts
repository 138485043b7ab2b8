/**
 * A start of the seeds' 3-action background flow (set a field, add to a group, send a message)
 * for BENCH_CONTACTS contacts (a group) on local workerd: Eddy under `wrangler dev`, its sends
 * caught by a Twilio Messages API on loopback. Next to it, in the same run, a floor: Eddy's own
 * start coordinator paging the same audience in D1, each contact's Durable Object a bare one that
 * writes one row (bench/starts/floor/). Peak memory is the workerd process's VmHWM.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt } from "./harness";
import { api, setUpBackgroundFlow } from "./starts/eddy";
import { guarded } from "./starts/guard";
import { executeD1, memoryMB, ownWorkerd } from "./starts/local";
import { countingTwilio } from "./starts/provider";
import { flowRows, writeAudience } from "./starts/seed";
import { Cleanup, migrateD1, wranglerDev } from "./webhook/processes";
import { mean, UsageLog } from "./webhook/usage";

// The issue asks for 100,000; on local workerd Eddy starts ~60 contacts/s (28 min for 100,000,
// 45 with the floor and the seeding), so the default is what finishes in about 15 minutes here.
// BENCH_CONTACTS=100000 runs the full one.
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 30_000);
const STARTUP_MS = 60_000;
// Setting up, then both fan-outs at 20 contacts/s or better; past this something is stuck.
const DEADLINE_MS = (600 + CONTACTS / 20) * 1000;
const PROGRESS_EVERY_MS = 10_000;
/** The audience: a group of every seeded contact, in both databases. */
const GROUP = randomUUID();

type Progress = { status: string; started: number; failed: number; skipped: number };
type Figures = { seconds: number; perSecond: number; peakMB: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the fan-out and follows it until its start is finished and `delivered()` (the sends
 * that must have reached the provider) has caught up with the contacts started.
 */
async function follow(label: string, begin: () => Promise<string>, progress: (uuid: string) => Promise<Progress>, delivered: () => number): Promise<Figures> {
  const workerd = await ownWorkerd();
  const t0 = performance.now();
  const uuid = await begin();
  let shown = { at: t0, started: 0 };
  for (;;) {
    await sleep(250);
    const p = await progress(uuid);
    const now = performance.now();
    const finished = !["pending", "running"].includes(p.status);
    if (now - shown.at >= PROGRESS_EVERY_MS) {
      const rate = ((p.started - shown.started) * 1000) / (now - shown.at);
      console.log(`  ${label}: ${fmt((now - t0) / 1000, 0)} s, ${p.started.toLocaleString("en-US")} of ${CONTACTS.toLocaleString("en-US")} started (${fmt(rate, 0)}/s lately), ${delivered().toLocaleString("en-US")} sent, workerd ${fmt(await memoryMB(workerd, "VmRSS"), 0)} MiB`);
      shown = { at: now, started: p.started };
    }
    if (!finished) continue;
    if (p.status !== "completed" || p.started !== CONTACTS) throw new Error(`${label}: the start ended ${p.status} with ${p.started} started, ${p.skipped} skipped, ${p.failed} failed of ${CONTACTS}`);
    if (delivered() >= p.started) break;
  }
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, perSecond: CONTACTS / seconds, peakMB: await memoryMB(workerd, "VmHWM") };
}

/** A fresh local D1 with the migrations and the audience, plus `extra` SQL. */
async function database(cleanup: Cleanup, persistTo: string, audienceSql: string, extraSql?: string): Promise<void> {
  await migrateD1(cleanup, persistTo);
  await executeD1(cleanup, persistTo, audienceSql);
  if (extraSql) await executeD1(cleanup, persistTo, extraSql);
}

async function floor(cleanup: Cleanup, dir: string, audience: string): Promise<Figures> {
  const persistTo = join(dir, "floor");
  const flow = randomUUID();
  const flowSql = join(dir, "flow.sql");
  await writeFile(flowSql, flowRows(flow));
  await database(cleanup, persistTo, audience, flowSql);
  const origin = await wranglerDev(cleanup, "floor", { config: "bench/starts/floor/wrangler.toml", buildDir: join(dir, "floor-build"), persistTo, readyPath: "/", timeoutMs: STARTUP_MS });
  let started = 0;
  return follow(
    "floor",
    async () => {
      const res = await fetch(`${origin}/starts`, { method: "POST", body: JSON.stringify({ flow, audience: { groups: [GROUP] } }) });
      if (res.status !== 202) throw new Error(`floor: POST /starts: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { uuid: string }).uuid;
    },
    async (uuid) => {
      const row = (await (await fetch(`${origin}/starts/${uuid}`)).json()) as { status: string; started: number; failed: number; targeted: number };
      started = row.started;
      return { status: row.status, started: row.started, failed: row.failed, skipped: row.targeted - row.started - row.failed };
    },
    // The bare objects send nothing.
    () => started,
  );
}

/** The contact objects' usage lines during Eddy's run (bench/webhook/usage.ts). */
const usage = new UsageLog();

async function eddy(cleanup: Cleanup, dir: string, audience: string): Promise<Figures> {
  const persistTo = join(dir, "eddy");
  const provider = await countingTwilio();
  cleanup.defer(() => provider.close());
  await database(cleanup, persistTo, audience);
  const token = randomBytes(32).toString("hex");
  const origin = await wranglerDev(cleanup, "eddy", { buildDir: join(dir, "eddy-build"), persistTo, vars: { EDDY_API_TOKEN: token, EDDY_USAGE_LOG: "1" }, readyPath: "/health", timeoutMs: STARTUP_MS, onLine: usage.onLine });
  const call = api(origin, token);
  const flow = await setUpBackgroundFlow(call, provider.baseUrl);
  const figures = await follow(
    "eddy",
    async () => (await call("POST", "/starts", { flow, audience: { groups: [GROUP] }, options: { params: { week: "12" } } })).uuid,
    async (uuid) => {
      const s = await call("GET", `/starts/${uuid}`);
      return { status: s.status, started: s.progress.started, failed: s.progress.failed, skipped: s.progress.skipped.total };
    },
    () => provider.sent().messages,
  );
  // The provider calls each message back twice (sent, delivered); the statuses are written behind: followed until every message is delivered in the API.
  await statusesLanded(call, provider);
  // The D1_WRITES consumer writes a second or so behind the start: its lines are counted once they stop coming (3 s quiet, 60 s at most).
  for (let last = -1, quietSince = Date.now(), until = Date.now() + 60_000; Date.now() - quietSince < 3_000 && Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
    const n = usage.invocations.filter((i) => i.method === "consumeWrites").length;
    if (n !== last) (last = n), (quietSince = Date.now());
  }
  const sent = provider.sent();
  if (sent.messages !== CONTACTS || sent.recipients !== CONTACTS || provider.rejected()) {
    throw new Error(`eddy: the provider got ${sent.messages} messages for ${sent.recipients} numbers (${provider.rejected()} rejected requests), expected one each for ${CONTACTS}`);
  }
  return figures;
}

/**
 * Waits (5 minutes at most) until the provider has made and been answered every status callback,
 * and the messages of 200 of the contacts (the API lists one contact's at a time) read `delivered`.
 */
async function statusesLanded(call: ReturnType<typeof api>, provider: Awaited<ReturnType<typeof countingTwilio>>): Promise<void> {
  const until = Date.now() + 300_000;
  const t0 = performance.now();
  for (;;) {
    const c = provider.callbacks();
    if (c.failed) throw new Error(`eddy: ${c.failed} status callbacks were not answered 2xx`);
    if (c.made === 2 * CONTACTS && c.answered === c.made) break;
    if (Date.now() > until) throw new Error(`eddy: status callbacks ${JSON.stringify(c)} of ${2 * CONTACTS} after 5 minutes`);
    await sleep(250);
  }
  let sample: string[] = [];
  for (let cursor: string | null = null, first = true; (first || cursor) && sample.length < 200; first = false) {
    const page = (await call("GET", `/contacts?group=${GROUP}&limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)) as { results: { uuid: string }[]; next: string | null };
    sample.push(...page.results.map((r) => r.uuid));
    cursor = page.next;
  }
  while (sample.length) {
    const left: string[] = [];
    for (const contact of sample) {
      const { results } = (await call("GET", `/messages?contact=${contact}&direction=out`)) as { results: { status: string }[] };
      if (results.length !== 1 || results[0].status !== "delivered") left.push(contact);
    }
    sample = left;
    if (sample.length && Date.now() > until) throw new Error(`eddy: ${sample.length} of the 200 sampled contacts' messages not delivered in the API after 5 minutes`);
    if (sample.length) await sleep(1_000);
  }
  console.log(`  eddy: ${(2 * CONTACTS).toLocaleString("en-US")} status callbacks answered, and a sample of 200 landed, ${fmt((performance.now() - t0) / 1000)} s after the last send`);
}

function print(e: Figures, f: Figures): void {
  const row = (label: string, cells: string[]) => console.log(`  ${label.padEnd(14)}${cells.map((c) => c.padStart(13)).join("")}`);
  row("", ["contacts/s", "wall s", "peak MiB"]);
  row("eddy", [fmt(e.perSecond, 0), fmt(e.seconds), fmt(e.peakMB, 0)]);
  row("floor", [fmt(f.perSecond, 0), fmt(f.seconds), fmt(f.peakMB, 0)]);
  row("eddy / floor", [`×${fmt(e.perSecond / f.perSecond, 3)}`, `×${fmt(e.seconds / f.seconds)}`, `×${fmt(e.peakMB / f.peakMB)}`]);
  const started = usage.invocations.filter((i) => i.method === "startFlow");
  // The contact objects' own, and the D1_WRITES consumer's, which writes what the objects hand it (the coordinator's page and progress writes are not in these lines).
  const objectWrites = usage.invocations.filter((i) => i.method !== "consumeWrites" && i.method !== "webhook").reduce((n, i) => n + i.writes, 0);
  const consumerWrites = usage.invocations.filter((i) => i.method === "consumeWrites").reduce((n, i) => n + i.writes, 0);
  // The provider's status callbacks (2 per message): the webhook's own writes (written behind: the consumer's count holds theirs).
  const callbacks = usage.invocations.filter((i) => i.method === "webhook");
  const callbackWrites = callbacks.reduce((n, i) => n + i.writes, 0);
  console.log(
    `  per started contact: D1 write transactions ${fmt((objectWrites + consumerWrites + callbackWrites) / started.length, 3)} (contact objects ${objectWrites}, D1_WRITES consumer ${consumerWrites}, ` +
      `status callback webhooks ${callbackWrites} in ${callbacks.length} calls), ` +
      `the objects' D1 reads ${fmt(mean(started, "reads"), 2)} (${started.length} startFlow calls)`,
  );
}

export async function startBench(): Promise<void> {
  console.log(
    `start: a 3-action background flow (set a field, add to a group, send a message) started for ${CONTACTS.toLocaleString("en-US")} contacts (a group) ` +
      `on wrangler dev (local workerd), the sends at a mock Twilio API on loopback. BENCH_CONTACTS sets the count.\n` +
      `  wall: from POST /starts to the start completed and every message at the provider. Peak: workerd's VmHWM (the whole run, seeding its API included).\n` +
      `  floor: the same coordinator and audience in D1, each contact's object a bare one writing one row; measured first, in its own workerd.`,
  );
  const [e, f] = await guarded("start bench", DEADLINE_MS, async (cleanup) => {
    const dir = await mkdtemp(join(tmpdir(), "eddy-start-bench-"));
    cleanup.defer(() => rm(dir, { recursive: true, force: true }));
    const audience = join(dir, "audience.sql");
    await writeAudience(audience, CONTACTS, GROUP);
    // Each in its own wrangler dev, stopped before the next begins: its workerd is the only one, and idle objects don't weigh on the other.
    const floorRun = new Cleanup();
    cleanup.defer(() => floorRun.run());
    const floorFigures = await floor(floorRun, dir, audience);
    await floorRun.run();
    // Dropped before Eddy's run: deleting its files discards their pages not yet written, so the
    // floor's writeback doesn't compete with Eddy's commits for the disk.
    await rm(join(dir, "floor"), { recursive: true, force: true });
    return [await eddy(cleanup, dir, audience), floorFigures];
  });
  print(e, f);
}
