import { cannedHttp, Engine, parseTime, replayServices, type CannedResponse, type ContactJSON, type EventJSON, type SessionAssets } from "../../durable/engine";
import example from "./flows/example-flow.json";

/** A UUID that reads as its number: u(12) = 00000000-0000-4000-8000-000000000012. */
export const u = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

export const EXAMPLE = example as unknown as { uuid: string; name: string };
export const CHANNEL = { uuid: u(9001), name: "Android", address: "+12025550199", schemes: ["tel"], roles: ["send", "receive"] };
export const REGISTERED = { uuid: "90000000-0000-4000-8000-000000000001", name: "Registered" };
export const START = parseTime("2025-05-04T12:30:45.123456789Z")!;

export function engine(mocks: Record<string, CannedResponse[]> = {}, limits = {}) {
  return new Engine(replayServices({ start: START, http: cannedHttp(mocks) }), limits);
}

export function assets(...flows: unknown[]): SessionAssets {
  return {
    flows: [example, ...flows],
    fields: [
      { key: "age", name: "Age", type: "number" },
      { key: "nickname", name: "Nickname", type: "text" },
    ],
    groups: [REGISTERED, { uuid: u(9102), name: "Testers" }, { uuid: u(9103), name: "Adults", query: "age >= 18" }],
    labels: [{ uuid: u(9201), name: "Spam" }],
    channels: [CHANNEL, { uuid: u(9002), name: "WhatsApp", address: "+12025550100", schemes: ["whatsapp", "tel"], roles: ["send", "receive"] }],
    topics: [{ uuid: u(9301), name: "General" }],
    globals: [{ key: "org_name", name: "Org Name", value: "Eddy Health" }],
  };
}

export function contact(over: Partial<ContactJSON> = {}): ContactJSON {
  return {
    uuid: u(5001),
    id: 1234,
    name: "Ben Haggerty",
    language: "eng",
    status: "active",
    created_on: "2025-01-01T10:00:00Z",
    urns: ["tel:+12065551212"],
    groups: [],
    fields: {},
    ...over,
  };
}

export const ENV = { date_format: "DD-MM-YYYY", time_format: "tt:mm", timezone: "UTC", allowed_languages: ["eng", "spa"], default_country: "US" };

export function manual(flow: { uuid: string; name: string }, c: ContactJSON = contact(), params?: Record<string, unknown>) {
  return {
    type: "manual" as const,
    flow: { uuid: flow.uuid, name: flow.name },
    contact: c,
    environment: ENV,
    ...(params ? { params } : {}),
    triggered_on: "2025-05-04T12:30:00Z",
  };
}

export function msgIn(text: string, n = 7001) {
  return { uuid: u(n), urn: "tel:+12065551212", channel: { uuid: CHANNEL.uuid, name: CHANNEL.name }, text };
}

export const types = (events: EventJSON[]) => events.map((e) => e.type);

export const ofType = (events: EventJSON[], type: string) => events.filter((e) => e.type === type) as (EventJSON & Record<string, any>)[];

export const texts = (events: EventJSON[]) => ofType(events, "msg_created").map((e) => e.msg.text as string);

/** A one-node-per-item flow: each node's actions, then on to the next; the last ends the run. */
export function linearFlow(uuid: string, name: string, nodes: { actions: unknown[]; router?: unknown; exits?: unknown[] }[], extra: Record<string, unknown> = {}) {
  return {
    uuid,
    name,
    spec_version: "14.4.0",
    language: "eng",
    type: "messaging",
    nodes: nodes.map((n, i) => ({
      uuid: nodeUUID(uuid, i),
      actions: n.actions,
      ...(n.router ? { router: n.router } : {}),
      exits: n.exits ?? [{ uuid: exitUUID(uuid, i), ...(i + 1 < nodes.length ? { destination_uuid: nodeUUID(uuid, i + 1) } : {}) }],
    })),
    ...extra,
  };
}

export const nodeUUID = (flow: string, i: number) => flow.slice(0, 24) + String(100 + i).padStart(12, "0");
export const exitUUID = (flow: string, i: number) => flow.slice(0, 24) + String(200 + i).padStart(12, "0");
