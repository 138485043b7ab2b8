import { loadFlow } from "./flow/load";
import type { FlowDefinition, Node } from "./flow/schema";
import type { Ref } from "./events/base";
import type { WhatsAppFormGate } from "./actions/send-whatsapp-form";

/** goflow's static asset source: what a session may refer to, as plain JSON. */
export interface SessionAssets {
  flows: unknown[];
  fields?: { key: string; name: string; type: "text" | "number" | "datetime" | "state" | "district" | "ward" }[];
  groups?: { uuid: string; name: string; query?: string }[];
  labels?: Ref[];
  channels?: { uuid: string; name: string; address?: string; schemes: string[]; roles: string[]; country?: string }[];
  topics?: Ref[];
  users?: { uuid?: string; email?: string; name?: string }[];
  globals?: { key: string; name: string; value: string }[];
  locations?: unknown[];
  templates?: unknown[];
  /** goflow's resthook assets: a slug and the URLs subscribed to it. */
  resthooks?: { slug: string; subscribers: string[] }[];
  /** Not data: the caller's lookup for send_whatsapp_form (actions/send-whatsapp-form.ts), given per sprint. */
  whatsapp_forms?: WhatsAppFormGate;
}

export type FieldAsset = NonNullable<SessionAssets["fields"]>[number];
export type GroupAsset = NonNullable<SessionAssets["groups"]>[number];
export type ChannelAsset = NonNullable<SessionAssets["channels"]>[number];

/** A loaded flow with its nodes indexed. */
export interface Flow {
  definition: FlowDefinition;
  ref: Ref;
  node(uuid: string): Node | undefined;
}

export class FlowNotFound extends Error {}

export class FlowInvalid extends Error {}

/** Loads through `loadFlow` (13.x migrated); a flow with errors cannot be entered. */
function parseFlow(json: unknown): FlowDefinition {
  const loaded = loadFlow(json);
  if (loaded.ok) return loaded.flow;
  const uuid = (json as { uuid?: unknown })?.uuid;
  const reasons = loaded.problems
    .filter((p) => p.level === "error")
    .map((p) => `${p.node_uuid ? `node ${p.node_uuid}: ` : ""}${p.path ? `${p.path}: ` : ""}${p.message}`)
    .join("; ");
  throw new FlowInvalid(`flow ${String(uuid)} is invalid: ${reasons}`);
}

/**
 * Loaded flows by their definition object: sprints that share assets parse each flow once.
 * Definitions are treated as immutable (a published version is); pass a new object to change one.
 */
const loaded = new WeakMap<object, Flow>();

/** Session assets with lookups; flows are parsed the first time a session enters them. */
export class Assets {
  private flows = new Map<string, Flow>();

  constructor(readonly source: SessionAssets) {}

  flow(uuid: string): Flow {
    const cached = this.flows.get(uuid);
    if (cached) return cached;
    const json = this.source.flows.find((f) => (f as { uuid?: unknown })?.uuid === uuid);
    if (!json || typeof json !== "object") throw new FlowNotFound(`no such flow: ${uuid}`);
    let flow = loaded.get(json);
    if (!flow) {
      const definition = parseFlow(json);
      const nodes = new Map(definition.nodes.map((n) => [n.uuid, n]));
      flow = { definition, ref: { uuid: definition.uuid, name: definition.name }, node: (u) => nodes.get(u) };
      loaded.set(json, flow);
    }
    this.flows.set(uuid, flow);
    return flow;
  }

  field(key: string): FieldAsset | undefined {
    return this.source.fields?.find((f) => f.key === key);
  }

  group(ref: { uuid?: string; name?: string }): GroupAsset | undefined {
    const groups = this.source.groups ?? [];
    return (
      (ref.uuid ? groups.find((g) => g.uuid === ref.uuid) : undefined) ??
      (ref.name !== undefined ? groups.find((g) => g.name.toLowerCase() === ref.name!.toLowerCase()) : undefined)
    );
  }

  label(ref: { uuid?: string; name?: string }): Ref | undefined {
    const labels = this.source.labels ?? [];
    return (
      (ref.uuid ? labels.find((l) => l.uuid === ref.uuid) : undefined) ??
      (ref.name !== undefined ? labels.find((l) => l.name.toLowerCase() === ref.name!.toLowerCase()) : undefined)
    );
  }

  channel(uuid: string): ChannelAsset | undefined {
    return this.source.channels?.find((c) => c.uuid === uuid);
  }

  /** The first channel that can send to a URN scheme, as goflow picks one without affinity. */
  channelForScheme(scheme: string): ChannelAsset | undefined {
    return this.source.channels?.find((c) => c.schemes.includes(scheme) && c.roles.includes("send"));
  }

  topic(uuid: string): Ref | undefined {
    return this.source.topics?.find((t) => t.uuid === uuid);
  }

  globals(): Record<string, string> {
    return Object.fromEntries((this.source.globals ?? []).map((g) => [g.key, g.value]));
  }
}
