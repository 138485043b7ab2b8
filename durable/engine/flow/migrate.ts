import { z } from "zod";
import { SPEC_VERSION } from "./schema";

/**
 * goflow's definition migrations from spec 13.x to 14.x, as small named steps on the raw JSON.
 * Each step runs when the definition is older than the version that introduced the change, and
 * only touches the old shape when it is there, so a definition that mislabels its version still
 * comes out right.
 */

export class MigrationError extends Error {}

type Json = Record<string, unknown>;
type Version = [number, number, number];

const OLDEST_SUPPORTED_MAJOR = 13;
const CURRENT = parseVersion(SPEC_VERSION)!;

function parseVersion(v: unknown): Version | undefined {
  if (typeof v !== "string" && typeof v !== "number") return undefined;
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(String(v).trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function older(a: Version, b: Version): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

function actionsOfType(flow: Json, type: string): Json[] {
  return objects(flow.nodes).flatMap((node) => objects(node.actions).filter((a) => a.type === type));
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map((s) => String(s)) : []);

/** open_ticket's `body` became `note`. */
function openTicketBodyToNote(flow: Json): void {
  for (const action of actionsOfType(flow, "open_ticket")) {
    if (!("body" in action)) continue;
    if (action.note === undefined && action.body !== "") action.note = action.body;
    delete action.body;
  }
}

/** Tickets stopped going to external ticketers: open_ticket loses its `ticketer`. */
function removeTicketers(flow: Json): void {
  for (const action of actionsOfType(flow, "open_ticket")) delete action.ticketer;
}

/**
 * send_msg's `templating` ({template, variables} with its own UUID, later {template, components:
 * [{uuid, name, params}]}) became `template` plus a flat `template_variables` list, translated on
 * the action itself rather than on the templating or component UUIDs.
 */
function templatingToTemplateVariables(flow: Json): void {
  for (const action of actionsOfType(flow, "send_msg")) {
    const templating = action.templating;
    if (!isObject(templating)) continue;
    delete action.templating;
    if (isObject(templating.template)) action.template = templating.template;

    // The parts the variables were kept in, each with the UUID its translations were keyed by.
    const parts = Array.isArray(templating.components)
      ? objects(templating.components).map((c) => ({ uuid: c.uuid, key: "params", values: strings(c.params) }))
      : [{ uuid: templating.uuid, key: "variables", values: strings(templating.variables) }];
    const variables = parts.flatMap((p) => p.values);
    if (variables.length > 0) action.template_variables = variables;

    if (!isObject(flow.localization)) continue;
    for (const lang of Object.values(flow.localization)) {
      if (!isObject(lang)) continue;
      const translated = parts.map((p) => {
        const item = typeof p.uuid === "string" ? lang[p.uuid] : undefined;
        if (typeof p.uuid === "string") delete lang[p.uuid];
        return isObject(item) && Array.isArray(item[p.key]) ? strings(item[p.key]) : undefined;
      });
      if (translated.every((t) => t === undefined)) continue;
      // A part without a translation keeps its base values, so positions still line up.
      const merged = translated.flatMap((t, i) => t ?? parts[i].values);
      const item = isObject(lang[action.uuid as string]) ? (lang[action.uuid as string] as Json) : {};
      item.template_variables = merged;
      lang[action.uuid as string] = item;
    }
  }
}

/** Expiration bounds per flow type (minutes); background flows have none. */
const EXPIRES: Record<string, { min: number; max: number; default: number }> = {
  messaging: { min: 5, max: 43200, default: 10080 },
  messaging_offline: { min: 5, max: 43200, default: 10080 },
  voice: { min: 1, max: 15, default: 5 },
};

function fixExpires(flow: Json): void {
  const bounds = EXPIRES[flow.type as string];
  if (!bounds) return;
  const value = typeof flow.expire_after_minutes === "number" ? flow.expire_after_minutes : 0;
  flow.expire_after_minutes = value === 0 ? bounds.default : Math.min(bounds.max, Math.max(bounds.min, Math.round(value)));
}

export type MigrationStep = { version: string; name: string; apply: (flow: Json) => void };

export const MIGRATIONS: readonly MigrationStep[] = [
  { version: "13.3.0", name: "open_ticket body becomes note", apply: openTicketBodyToNote },
  { version: "13.4.0", name: "open_ticket loses its ticketer", apply: removeTicketers },
  { version: "14.0.0", name: "send_msg templating becomes template and template_variables", apply: templatingToTemplateVariables },
  { version: "14.1.0", name: "expire_after_minutes within its flow type's bounds", apply: fixExpires },
];

export type Migrated = { definition: Json; from: string; applied: string[] };

/**
 * Brings a flow definition (13.x or 14.x) to SPEC_VERSION. The input is not modified.
 * Throws MigrationError when the definition is too old, too new, or not a goflow definition.
 */
export function migrateFlow(json: unknown): Migrated {
  if (!isObject(json)) throw new MigrationError("a flow definition must be a JSON object");
  const from = json.spec_version;
  const version = parseVersion(from);
  if (version === undefined) {
    if ("action_sets" in json || "rule_sets" in json || "flow_type" in json)
      throw new MigrationError("legacy flow format (spec version 11.x or older) is not supported; export from a newer TextIt/RapidPro");
    throw new MigrationError(from === undefined ? "spec_version is missing" : `spec_version ${JSON.stringify(from)} is not a version`);
  }
  if (version[0] < OLDEST_SUPPORTED_MAJOR)
    throw new MigrationError(`spec version ${version[0]}.x is not supported; export from a newer TextIt/RapidPro`);
  if (version[0] > CURRENT[0])
    throw new MigrationError(`spec version ${String(from)} is newer than Eddy supports (${CURRENT[0]}.x)`);

  if (!older(version, CURRENT)) return { definition: json, from: String(from), applied: [] };
  const definition = structuredClone(json);
  const applied: string[] = [];
  for (const step of MIGRATIONS) {
    if (!older(version, parseVersion(step.version)!)) continue;
    step.apply(definition);
    applied.push(`${step.version}: ${step.name}`);
  }
  definition.spec_version = SPEC_VERSION;
  return { definition, from: String(from), applied };
}

const ExportField = z.looseObject({ key: z.string(), name: z.string(), type: z.string() });
export type ExportField = z.infer<typeof ExportField>;
const ExportGroup = z.looseObject({ uuid: z.string(), name: z.string(), query: z.string().nullable().optional() });
export type ExportGroup = z.infer<typeof ExportGroup>;

const ExportFile = z.looseObject({
  version: z.union([z.string(), z.number()]),
  flows: z.array(z.unknown()),
  fields: z.array(ExportField).default([]),
  groups: z.array(ExportGroup).default([]),
});

export type Export = { flows: Migrated[]; fields: ExportField[]; groups: ExportGroup[] };

/** A TextIt/RapidPro export file: its flows, each migrated, and the fields and groups it brings. */
export function readExport(json: unknown): Export {
  const parsed = ExportFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MigrationError(`not a flow export: ${issue.path.join(".") || "file"}: ${issue.message.replace(/^Invalid input: /, "")}`);
  }
  const flows = parsed.data.flows.map((flow, i) => {
    try {
      return migrateFlow(flow);
    } catch (e) {
      const name = isObject(flow) && typeof flow.name === "string" ? `"${flow.name}"` : `#${i + 1}`;
      throw new MigrationError(`flow ${name}: ${(e as Error).message}`);
    }
  });
  return { flows, fields: parsed.data.fields, groups: parsed.data.groups };
}
