/**
 * The engine's cost: a 10-node flow (templates, a router, a wait) run start to end, and one
 * realistic template render. Each figure stands next to a floor measured in the same run, so the
 * ratio still means something on a noisy machine.
 */
import { cannedHttp, Engine, parseTime, replayServices, type SessionAssets, type SessionJSON } from "../durable/engine";
import { defaultEnvironment, evaluateTemplate, fromJSON, type XObject } from "../durable/engine/excellent";
import registration from "./flows/registration.json";
import { fmt, heapMB, line, measure, type Measured } from "./harness";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

const assets = registration as unknown as SessionAssets;
const flow = assets.flows[0] as { uuid: string; name: string };
const contact = {
  uuid: "5d76d86b-3bb9-4d5a-b822-c9d86f5d8e4f",
  name: "Ben Haggerty",
  language: "eng",
  status: "active" as const,
  created_on: "2025-01-01T10:00:00Z",
  urns: ["tel:+12065551212"],
  groups: [],
  fields: { district: { text: "Gasabo" } },
};
const trigger = { type: "manual" as const, flow: { uuid: flow.uuid, name: flow.name }, contact, environment: { timezone: "Africa/Kigali", default_country: "RW" } };
const reply = { type: "msg" as const, msg: { uuid: "bbbbbbbb-0000-4000-8000-000000000001", urn: "tel:+12065551212", text: "I am 25" } };

const engine = new Engine(replayServices({ start: parseTime("2025-05-04T12:30:45.123456789Z")!, http: cannedHttp({}) }));

/** One contact through the flow: the start waits for the age, the reply runs it to the end. */
async function session(): Promise<[SessionJSON, SessionJSON]> {
  const started = await engine.start(assets, trigger);
  const done = await engine.resume(assets, started.session, reply);
  return [started.session, done.session];
}

const TEMPLATE = "Hi @contact.first_name, you are @results.age.value: @(upper(fields.district))";
// A few contexts in turn, so neither the template nor the floor works on constants.
const people = [
  { first: "Ben", age: "25", district: "Gasabo" },
  { first: "Ana", age: "31", district: "Kicukiro" },
  { first: "Joy", age: "19", district: "Nyarugenge" },
];
const contexts = people.map(
  (p) =>
    fromJSON({
      contact: { __default__: `${p.first} Haggerty`, name: `${p.first} Haggerty`, first_name: p.first },
      results: { age: { __default__: p.age, name: "Age", value: p.age, category: "Valid" } },
      fields: { district: p.district },
    }) as XObject,
);
const env = defaultEnvironment(() => 1746361845123456789n);
// Where the measured work's results go, so that it cannot be optimised away.
export let sink = 0;

const ROUNDS = 6;

/** `a` and `b` in alternating rounds (`seconds` of `a` in all, half that of `b`), each its median round. */
async function alternating(a: () => unknown, b: () => unknown, seconds: number): Promise<[Measured, Measured]> {
  const ra: Measured[] = [];
  const rb: Measured[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    ra.push(await measure(a, seconds / ROUNDS, i === 0 ? 1 : 0.05));
    rb.push(await measure(b, seconds / ROUNDS / 2, i === 0 ? 0.5 : 0.05));
  }
  const median = (r: Measured[]) => [...r].sort((x, y) => x.us - y.us)[Math.floor(r.length / 2)];
  return [median(ra), median(rb)];
}

export async function engineBench(): Promise<void> {
  const [waiting, done] = await session();
  const last = done.runs[0].events!.filter((e) => e.type === "msg_created").pop() as { msg: { text: string } } | undefined;
  if (done.status !== "completed" || !last?.msg.text.startsWith("Thanks Ben Haggerty (adult-Gas, visit 1)")) {
    throw new Error(`the bench flow did not run to its end: ${done.status}, ${JSON.stringify(last?.msg.text)}`);
  }
  const rendered = evaluateTemplate(TEMPLATE, contexts[0], env);
  if (rendered.output !== "Hi Ben, you are 25: GASABO") throw new Error(`the bench template rendered ${JSON.stringify(rendered)}`);

  const heapBefore = heapMB();
  console.log(`engine: "${flow.name}" (10 nodes: templates, a router, a wait), start + reply to completion, ${SECONDS} s per figure`);

  // Persisting the session after each of the two sprints: what a session costs at least. The two
  // are measured in alternating rounds and each given as its median round, so that a machine
  // shared with other work loads both alike.
  const persist = () => [JSON.parse(JSON.stringify(waiting)), JSON.parse(JSON.stringify(done))];
  const [s, floor] = await alternating(session, persist, SECONDS);
  console.log(line("session", s, `${fmt(1e6 / s.us, 0)} sessions/s`, "JSON round trip of the session after each sprint", floor));

  let i = 0;
  const t = await measure(() => {
    sink += evaluateTemplate(TEMPLATE, contexts[i++ % 3], env).output.length;
  }, SECONDS);
  let j = 0;
  const concat = await measure(() => {
    const p = people[j++ % 3];
    sink += ("Hi " + p.first + ", you are " + p.age + ": " + p.district.toUpperCase()).length;
  }, SECONDS / 2);
  console.log(line("template", t, `${fmt(1e6 / t.us, 0)} renders/s`, "string concatenation of the same values", concat));
  console.log(`  heap used ${heapBefore} MB before, ${heapMB()} MB after`);
}
