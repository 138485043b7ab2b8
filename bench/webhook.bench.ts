/**
 * Inbound webhook to reply on local workerd: Eddy under `wrangler dev`, signed Twilio webhooks in,
 * replies caught at a mock Twilio Messages API. Next to it, a floor measured in the same run by
 * the same harness: a bare Worker and Durable Object (bench/floor/) that write one row per message.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt } from "./harness";
import { contactPhone, exchange, setUpEddy } from "./webhook/eddy";
import { Samples, type Figures, type Load, type Send } from "./webhook/load";
import { guarded } from "./starts/guard";
import { type Cleanup, migrateD1, wranglerDev } from "./webhook/processes";
import { inboundSms, mockTwilio, signature } from "./webhook/twilio";
import { mean, UsageLog } from "./webhook/usage";

/** Per round; each target gets two rounds, in the order floor, Eddy, Eddy, floor, so a machine getting busier or quieter (other work, thermal limits) weighs on both alike. */
const ROUND: Load = { contacts: 100, messagesPerContact: 2, concurrency: 20 };
const ORDER = ["floor", "eddy", "eddy", "floor"] as const;
const CONTACTS = ROUND.contacts * (ORDER.length / 2);
const WARMUP: Load = { ...ROUND, contacts: 40 };
const STARTUP_MS = 30_000;
const MESSAGE_TIMEOUT_MS = 20_000;
// The whole run takes 20 s to a minute on 2 busy CPUs (several minutes when 8 people share them); past this something is stuck.
const DEADLINE_MS = 300_000;

/** The provider's request, the same for both targets: a signed Twilio form post on one keep-alive client (fetch). Resolves with when it was answered. */
async function post(url: string, params: Record<string, string>): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature(url, params) },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(MESSAGE_TIMEOUT_MS),
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`POST ${url}: ${res.status} ${body.slice(0, 200)}`);
  return performance.now();
}

const messageSid = () => "SM" + randomBytes(16).toString("hex");

async function run(cleanup: Cleanup): Promise<{ eddy: Figures; floor: Figures; usage: UsageLog }> {
  const usage = new UsageLog();
  const dir = await mkdtemp(join(tmpdir(), "eddy-webhook-bench-"));
  cleanup.defer(() => rm(dir, { recursive: true, force: true }));
  const mock = await mockTwilio();
  cleanup.defer(() => mock.close());

  const token = randomBytes(32).toString("hex");
  const [eddy, floor] = await Promise.all([
    migrateD1(cleanup, join(dir, "eddy")).then(() => wranglerDev(cleanup, "eddy", { buildDir: join(dir, "eddy-build"), persistTo: join(dir, "eddy"), vars: { EDDY_API_TOKEN: token, EDDY_USAGE_LOG: "1" }, readyPath: "/health", timeoutMs: STARTUP_MS, onLine: usage.onLine })),
    wranglerDev(cleanup, "floor", { config: "bench/floor/wrangler.toml", buildDir: join(dir, "floor-build"), persistTo: join(dir, "floor"), readyPath: "/", timeoutMs: STARTUP_MS }),
  ]);
  // Contacts below WARMUP.contacts warm up; the rounds take the next ones, so every measured contact is new to its object.
  const receiveUrl = await setUpEddy(eddy, token, mock.baseUrl, WARMUP.contacts + CONTACTS, ROUND.concurrency);

  const toEddy: Send = async (i, step) => {
    const { text, reply } = exchange(i, step);
    const [answered, replied] = await Promise.all([post(receiveUrl, inboundSms(contactPhone(i), text, messageSid())), mock.expect(contactPhone(i), reply, MESSAGE_TIMEOUT_MS)]);
    return { replied, answered };
  };
  const floorUrl = `${floor}/channels/floor/receive`;
  // The floor sends no reply: storing the message and answering is all it does.
  const toFloor: Send = async (i, step) => {
    const answered = await post(floorUrl, inboundSms(contactPhone(i), exchange(i, step).text, messageSid()));
    return { replied: answered, answered };
  };

  const targets = { floor: { send: toFloor, samples: new Samples(), rounds: 0 }, eddy: { send: toEddy, samples: new Samples(), rounds: 0 } };
  for (const t of Object.values(targets)) await new Samples().round(WARMUP, 0, t.send);
  for (const name of ORDER) {
    const t = targets[name];
    await t.samples.round(ROUND, WARMUP.contacts + ROUND.contacts * t.rounds++, t.send);
  }
  if (mock.unexpected.length > 0) throw new Error(`the mock Twilio API got ${mock.unexpected.length} unexpected requests, e.g. ${mock.unexpected[0]}`);
  return { eddy: targets.eddy.samples.figures(), floor: targets.floor.samples.figures(), usage };
}

function print({ eddy, floor, usage }: { eddy: Figures; floor: Figures; usage: UsageLog }): void {
  const row = (label: string, cells: string[]) => console.log(`  ${label.padEnd(14)}${cells.map((c) => c.padStart(12)).join("")}`);
  row("", ["msg/s", "p50 ms", "p99 ms"]);
  row("eddy (reply)", [fmt(eddy.perSecond, 0), fmt(eddy.p50), fmt(eddy.p99)]);
  row("floor", [fmt(floor.perSecond, 0), fmt(floor.p50), fmt(floor.p99)]);
  row("eddy / floor", [`×${fmt(eddy.perSecond / floor.perSecond, 2)}`, `×${fmt(eddy.p50 / floor.p50)}`, `×${fmt(eddy.p99 / floor.p99)}`]);
  // Each contact's next message waits for the webhook's answer, so this bounds the throughput too.
  row("eddy (answer)", ["", fmt(eddy.answeredP50), fmt(eddy.answeredP99)]);
  // The floor answers once its row is written: the provider's wait, next to Eddy's.
  row("answer / floor", ["", `×${fmt(eddy.answeredP50 / floor.p50)}`, `×${fmt(eddy.answeredP99 / floor.p99)}`]);
  const { first, later } = usage.split("receive");
  console.log(
    `  contact object per inbound message (its receive call): D1 reads ${fmt(mean(later, "reads"))} for a contact it has seen (${later.length} messages), ` +
      `${fmt(mean(first, "reads"))} for its first (${first.length}); D1 write transactions ${fmt(mean([...first, ...later], "writes"))}; subrequests ${fmt(mean(later, "subrequests"))} (seen)`,
  );
  // The Worker's own (worker/webhooks/usage.ts): the URN's owner looked up, or created, for a contact it does not remember.
  const hooks = usage.invocations.filter((i) => i.method === "webhook");
  console.log(`  the Worker per webhook: D1 reads ${fmt(mean(hooks, "reads"))}, D1 write transactions ${fmt(mean(hooks, "writes"))} (${hooks.length} webhooks, each contact's first included)`);
}

export async function webhookBench(): Promise<void> {
  console.log(
    `webhook: signed Twilio webhooks into wrangler dev (local workerd), ${CONTACTS} contacts × ${ROUND.messagesPerContact} messages ` +
      `(a keyword, then the answer to the flow's question), ${ROUND.concurrency} in flight, after ${WARMUP.contacts} contacts to warm up.\n` +
      `  reply: from sending the webhook to the mock Twilio API getting the reply; answer: to the webhook's own response.\n` +
      `  floor: the same requests to a Worker whose Durable Object per sender writes one row and answers.`,
  );
  print(await guarded("webhook bench", DEADLINE_MS, run));
}
