// One resume of the bench flow with its flows already loaded (what the contact object hands the
// engine) against fresh definition objects (what each asset reload used to cost). `npx tsx bench/resume-cost.mts`
import { cannedHttp, Engine, parseTime, replayServices, type SessionAssets } from "../durable/engine";
import { loadFlow } from "../durable/engine/flow/load";
import registration from "./flows/registration.json";

const assets = registration as unknown as SessionAssets;
const flow = assets.flows[0] as { uuid: string; name: string };
const contact = { uuid: "5d76d86b-3bb9-4d5a-b822-c9d86f5d8e4f", name: "Ben Haggerty", language: "eng", status: "active" as const, created_on: "2025-01-01T10:00:00Z", urns: ["tel:+12065551212"], groups: [], fields: { district: { text: "Gasabo" } } };
const trigger = { type: "manual" as const, flow: { uuid: flow.uuid, name: flow.name }, contact, environment: { timezone: "Africa/Kigali", default_country: "RW" } };
const reply = { type: "msg" as const, msg: { uuid: "bbbbbbbb-0000-4000-8000-000000000001", urn: "tel:+12065551212", text: "I am 25" } };
const engine = new Engine(replayServices({ start: parseTime("2025-05-04T12:30:45.123456789Z")!, http: cannedHttp({}) }));
const waiting = (await engine.start(assets, trigger)).session;
const defJson = JSON.stringify(assets.flows);

async function time(label: string, n: number, f: () => unknown | Promise<unknown>) {
  for (let i = 0; i < 200; i++) await f();
  const t = performance.now();
  for (let i = 0; i < n; i++) await f();
  const us = ((performance.now() - t) * 1000) / n;
  console.log(`${label.padEnd(60)} ${us.toFixed(1)} µs`);
  return us;
}
const N = Number(process.env.N ?? 3000);
const hit = await time("resume, flows already loaded (same definition objects)", N, () => engine.resume(assets, waiting, reply));
const miss = await time("resume, flows re-loaded (fresh definition objects each call)", N, () => engine.resume({ ...assets, flows: JSON.parse(defJson) }, waiting, reply));
const parseOnly = await time("  of which JSON.parse of the definitions", N, () => JSON.parse(defJson));
const load = await time("  of which loadFlow (migrate + validate)", N, () => loadFlow(JSON.parse(defJson)[0]));
console.log(`saving per resume when flows are handed over loaded: ${(miss - hit).toFixed(1)} µs (${(miss / hit).toFixed(2)}x)`);
