/**
 * Timer lateness: 1,000 contacts whose pauses fall due in the same minute, on local workerd (Eddy
 * under `wrangler dev`). Each contact's background flow pauses until its own second of that minute
 * (a seeded `slot` field, 0–59, added to a time the start passes in) and then sends it a message
 * through a Twilio channel whose API is a recorder on loopback (a flow's webhook may not call
 * loopback): lateness is when the send arrives minus the due time. Next to it, in the same run and
 * at the same due times, the floor: a bare Durable Object per contact whose alarm calls the
 * recorder (bench/timers-floor/). p50 and p99 of each, in milliseconds.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { writeFile, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt } from "./harness";
import { api, createTwilioChannel } from "./starts/eddy";
import { guarded } from "./starts/guard";
import { executeD1 } from "./starts/local";
import { contactPhone } from "./webhook/eddy";
import { Cleanup, migrateD1, wranglerDev } from "./webhook/processes";

const CONTACTS = Number(process.env.BENCH_TIMERS_CONTACTS ?? 1000);
/**
 * From the start to the minute's first due time: the start and the floor's arming must be done by
 * then. On a loaded 2-CPU machine the start of 1,000 contacts took over a minute.
 */
const MARGIN_S = Number(process.env.BENCH_TIMERS_MARGIN_S ?? 300);
const STARTUP_MS = 60_000;
const DEADLINE_MS = (MARGIN_S + 420) * 1000;
const GROUP = randomUUID();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * When each call arrived: Eddy's sends (Twilio's Messages API, the body naming the contact) as
 * `/eddy/<contact>`, the floor's calls by their path, `/floor/<contact>`.
 */
async function recorder(cleanup: Cleanup): Promise<{ url: string; arrived: Map<string, number> }> {
  const arrived = new Map<string, number>();
  const server = createServer((req, res) => {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const key = req.method === "POST" ? `/eddy/${new URLSearchParams(Buffer.concat(chunks).toString()).get("Body")}` : req.url!;
      // The first arrival counts: a repeated one would be a timer fired twice.
      arrived.set(arrived.has(key) ? `${key}#again` : key, at);
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ sid: "SM" + randomBytes(16).toString("hex"), status: "queued" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.defer(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrived };
}

/** The contacts, each with a phone number, its second of the minute, and all in one group. */
async function seed(cleanup: Cleanup, dir: string, uuids: string[]): Promise<string> {
  const persistTo = join(dir, "eddy");
  const at = new Date().toISOString();
  // 200 rows per INSERT: statements stay well under D1's 100 KB.
  const insert = (head: string, f: (u: string, i: number) => string) =>
    Array.from({ length: Math.ceil(uuids.length / 200) }, (_, k) => `${head} VALUES\n${uuids.slice(k * 200, k * 200 + 200).map((u, j) => f(u, k * 200 + j)).join(",\n")};\n`).join("");
  const sql =
    `INSERT INTO fields (key, name, type, created_on) VALUES ('slot', 'Slot', 'number', '${at}');\n` +
    `INSERT INTO groups (uuid, name) VALUES ('${GROUP}', 'Timers bench');\n` +
    insert("INSERT INTO contacts (uuid, name, fields, created_on, modified_on)", (u, i) => `('${u}', 'Contact ${i}', '{"slot":${i % 60}}', '${at}', '${at}')`) +
    insert("INSERT INTO contact_urns (scheme, path, contact_uuid)", (u, i) => `('tel', '${contactPhone(i)}', '${u}')`) +
    insert("INSERT INTO group_members (group_uuid, contact_uuid)", (u) => `('${GROUP}', '${u}')`);
  const file = join(dir, "seed.sql");
  await writeFile(file, sql);
  await migrateD1(cleanup, persistTo);
  await executeD1(cleanup, persistTo, file);
  return persistTo;
}

/** Pause until the start's `base` plus the contact's slot in seconds, then send the contact its UUID. */
function flowDefinition() {
  const [pause, send] = [randomUUID(), randomUUID()];
  const [category, exit] = [randomUUID(), randomUUID()];
  return {
    uuid: randomUUID(),
    name: "Timers bench",
    spec_version: "14.4.2",
    language: "eng",
    type: "messaging_background",
    nodes: [
      {
        uuid: pause,
        actions: [],
        router: {
          type: "switch",
          operand: "",
          cases: [],
          categories: [{ uuid: category, name: "Completed", exit_uuid: exit }],
          default_category_uuid: category,
          wait: { type: "pause", until: '@(datetime_add(trigger.params.base, fields.slot, "s"))', category_uuid: category },
        },
        exits: [{ uuid: exit, destination_uuid: send }],
      },
      { uuid: send, actions: [{ uuid: randomUUID(), type: "send_msg", text: "@contact.uuid" }], exits: [{ uuid: randomUUID() }] },
    ],
  };
}

/** p-th percentile (0–100) of sorted values. */
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

type Figures = { p50: number; p99: number; max: number; fired: number; twice: number };

function figures(arrived: Map<string, number>, prefix: string, uuids: string[], due: (i: number) => number): Figures {
  const late = uuids.flatMap((u, i) => {
    const at = arrived.get(`/${prefix}/${u}`);
    return at === undefined ? [] : [at - due(i)];
  });
  late.sort((a, b) => a - b);
  const twice = uuids.filter((u) => arrived.has(`/${prefix}/${u}#again`)).length;
  if (!late.length) return { p50: NaN, p99: NaN, max: NaN, fired: 0, twice };
  return { p50: percentile(late, 50), p99: percentile(late, 99), max: late[late.length - 1], fired: late.length, twice };
}

/** Each fire's steps, from the line the contact object logs (durable/contact/timers.ts): epoch ms at the end of each. */
const STEPS = ["woke", "loaded", "resumed", "committed", "sent", "flushed"] as const;
const fires = new Map<string, Record<(typeof STEPS)[number] | "due", number>>();

/** Eddy's first complaints, shown: a run whose timers do not fire says why. Its fires' steps, kept. */
let shown = 0;
const onLine = (line: string) => {
  const fire = /eddy-timer (\S+) (.*)/.exec(line);
  if (fire) {
    fires.set(fire[1], Object.fromEntries(fire[2].split(" ").map((kv) => kv.split("=")).map(([k, v]) => [k, Number(v)])) as Record<(typeof STEPS)[number] | "due", number>);
    return;
  }
  if (/error|not run|failed/i.test(line) && shown++ < 10) console.log(`  eddy: ${line.slice(0, 300)}`);
};

/** Lateness at the end of each step of Eddy's fires (ms after the due time, p50 and p99). */
function steps(): { step: string; p50: number; p99: number; n: number }[] {
  const list = [...fires.values()];
  return STEPS.map((step) => {
    const late = list.map((f) => f[step] - f.due).sort((a, b) => a - b);
    return { step, p50: percentile(late, 50), p99: percentile(late, 99), n: late.length };
  });
}

export async function timersBench(): Promise<void> {
  console.log(
    `timers: ${CONTACTS.toLocaleString("en-US")} contacts whose pauses fall due in the same minute (a background flow: pause, then a message whose send reaches a recorder), on wrangler dev (local workerd);\n` +
      `  floor: a bare Durable Object alarm per contact at the same due times, calling the same recorder, run beside it. Lateness = arrival − due time.`,
  );
  const uuids = Array.from({ length: CONTACTS }, () => randomUUID());
  const [eddy, floor] = await guarded("timers bench", DEADLINE_MS, async (cleanup) => {
    const dir = await mkdtemp(join(tmpdir(), "eddy-timers-bench-"));
    cleanup.defer(() => rm(dir, { recursive: true, force: true }));
    const rec = await recorder(cleanup);
    const persistTo = await seed(cleanup, dir, uuids);
    const token = randomBytes(32).toString("hex");
    const [origin, floorOrigin] = await Promise.all([
      wranglerDev(cleanup, "eddy", { buildDir: join(persistTo, "build"), persistTo, vars: { EDDY_API_TOKEN: token, EDDY_USAGE_LOG: "1" }, readyPath: "/health", timeoutMs: STARTUP_MS, onLine }),
      wranglerDev(cleanup, "floor", { config: "bench/timers-floor/wrangler.toml", buildDir: join(dir, "floor-build"), persistTo: join(dir, "floor"), readyPath: "/", timeoutMs: STARTUP_MS }),
    ]);
    const call = api(origin, token);
    await createTwilioChannel(call, rec.url);
    const flow = await call("POST", "/flows", { name: "Timers bench", type: "messaging_background", definition: flowDefinition() });
    await call("POST", `/flows/${flow.uuid}/publish`);

    // Whole seconds: the due times are exact.
    const base = Math.ceil((Date.now() + MARGIN_S * 1000) / 1000) * 1000;
    const due = (i: number) => base + (i % 60) * 1000;
    const start = await call("POST", "/starts", { flow: flow.uuid, audience: { groups: [GROUP] }, options: { params: { base: new Date(base).toISOString() } } });
    // The floor armed meanwhile, 20 at a time.
    for (let i = 0; i < CONTACTS; i += 20) {
      await Promise.all(
        uuids.slice(i, i + 20).map(async (u, k) => {
          const res = await fetch(`${floorOrigin}/arm?c=${u}&due=${due(i + k)}&url=${encodeURIComponent(`${rec.url}/floor/${u}`)}`, { method: "POST" });
          if (res.status !== 204) throw new Error(`floor: arm answered ${res.status}`);
        }),
      );
    }
    for (;;) {
      const s = await call("GET", `/starts/${start.uuid}`);
      if (!["pending", "running"].includes(s.status)) {
        if (s.status !== "completed" || s.progress.started !== CONTACTS) throw new Error(`the start ended ${s.status} with ${s.progress.started} of ${CONTACTS} started`);
        break;
      }
      await sleep(250);
    }
    console.log(`  the start of ${CONTACTS} contacts took ${fmt((Date.now() - (base - MARGIN_S * 1000)) / 1000, 0)} s`);
    if (Date.now() >= base) throw new Error(`setting up took past the first due time: raise BENCH_TIMERS_MARGIN_S (now ${MARGIN_S})`);
    console.log(`  ${CONTACTS} contacts paused and ${CONTACTS} floor alarms armed ${fmt((base - Date.now()) / 1000, 0)} s before the minute begins; waiting for it`);
    // The minute, then up to a minute more for the stragglers.
    const giveUp = base + 120_000;
    while (Date.now() < giveUp && (figures(rec.arrived, "eddy", uuids, due).fired < CONTACTS || figures(rec.arrived, "floor", uuids, due).fired < CONTACTS)) await sleep(500);
    // A little longer: a timer fired twice would show now.
    await sleep(2000);
    return [figures(rec.arrived, "eddy", uuids, due), figures(rec.arrived, "floor", uuids, due)];
  });
  const row = (label: string, f: Figures) =>
    console.log(`  ${label.padEnd(28)}${fmt(f.p50, 0).padStart(8)}${fmt(f.p99, 0).padStart(8)}${fmt(f.max, 0).padStart(8)}${`${f.fired}`.padStart(8)}${`${f.twice}`.padStart(8)}`);
  console.log(`  ${"".padEnd(28)}${"p50 ms".padStart(8)}${"p99 ms".padStart(8)}${"max ms".padStart(8)}${"fired".padStart(8)}${"twice".padStart(8)}`);
  row("Eddy: pause → send", eddy);
  row("floor: bare alarm → fetch", floor);
  // Inside workerd the clock moves only across I/O: a step without I/O (the engine's sprint) shows as no time.
  console.log(`  Eddy's fires, step by step (lateness when each step ended; ${fires.size} fires logged):`);
  for (const s of steps()) console.log(`    ${`after ${s.step}`.padEnd(26)}${fmt(s.p50, 0).padStart(8)}${fmt(s.p99, 0).padStart(8)}`);
  if (eddy.fired < CONTACTS || floor.fired < CONTACTS || eddy.twice || floor.twice) throw new Error("timers bench: not every timer fired exactly once");
}
