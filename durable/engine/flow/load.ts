import type { z } from "zod";
import { ActionSchema, Exit, FlowDefinition, Router, type Node } from "./schema";
import { MigrationError, migrateFlow, readExport, type ExportField, type ExportGroup } from "./migrate";
import { enteredFlowProblems, structureProblems, validateFlow, type FlowProblem } from "./validate";

export type { FlowProblem };

export type LoadResult = { ok: true; flow: FlowDefinition; problems: FlowProblem[] } | { ok: false; problems: FlowProblem[] };

/**
 * The one way in for a flow definition: migrates a 13.x definition to 14.x, parses it, and lists
 * every problem. `ok` is false when any problem is an error; warnings alone still load.
 */
export function loadFlow(json: unknown): LoadResult {
  let definition: Record<string, unknown>;
  try {
    definition = migrateFlow(json).definition;
  } catch (e) {
    if (!(e instanceof MigrationError)) throw e;
    return { ok: false, problems: [{ level: "error", path: "spec_version", message: e.message }] };
  }

  const parsed = FlowDefinition.safeParse(definition);
  if (parsed.success) {
    const problems = validateFlow(parsed.data);
    return problems.some((p) => p.level === "error") ? { ok: false, problems } : { ok: true, flow: parsed.data, problems };
  }
  // Structure problems first, then whatever the nodes that did parse reveal, so that one
  // round of fixes can address all of them.
  return { ok: false, problems: [...structureProblems(definition, parsed.error), ...validateFlow(salvage(definition))] };
}

/** The parts of a broken definition that parse: each node keeps the actions, router and exits that do. */
function salvage(definition: Record<string, unknown>): FlowDefinition {
  const parsed = <T>(schema: z.ZodType<T>, values: unknown): T[] =>
    (Array.isArray(values) ? values : []).flatMap((v) => {
      const r = schema.safeParse(v);
      return r.success ? [r.data] : [];
    });
  const nodes = (Array.isArray(definition.nodes) ? definition.nodes : []).flatMap((raw): Node[] => {
    if (typeof raw !== "object" || raw === null || typeof raw.uuid !== "string") return [];
    const router = Router.safeParse(raw.router);
    return [{ ...raw, uuid: raw.uuid, actions: parsed(ActionSchema, raw.actions), router: router.success ? router.data : undefined, exits: parsed(Exit, raw.exits) }];
  });
  return { ...(definition as FlowDefinition), nodes };
}

export type LoadedExport =
  | { ok: true; flows: { flow: FlowDefinition; problems: FlowProblem[] }[]; fields: ExportField[]; groups: ExportGroup[] }
  | { ok: false; problems: FlowProblem[] };

/**
 * A TextIt/RapidPro export file, all or nothing: every flow must load. A problem in one of
 * several flows names that flow.
 */
export function loadExport(json: unknown): LoadedExport {
  let exported: ReturnType<typeof readExport>;
  try {
    exported = readExport(json);
  } catch (e) {
    if (!(e instanceof MigrationError)) throw e;
    return { ok: false, problems: [{ level: "error", path: "flows", message: e.message }] };
  }
  const loaded = exported.flows.map(({ definition }, i) => {
    const result = loadFlow(definition);
    const name = typeof definition.name === "string" ? `"${definition.name}"` : `#${i + 1}`;
    const problems = result.problems.map((p) => ({ ...p, path: `flows[${i}].${p.path}`, message: `flow ${name}: ${p.message}` }));
    return { result, problems };
  });
  const loadedFlows = loaded.flatMap(({ result }) => (result.ok ? [{ flow: result.flow, problems: result.problems }] : []));
  if (loadedFlows.length < loaded.length) return { ok: false, problems: loaded.flatMap((l) => l.problems) };
  // Entering a flow of the wrong type is a problem of the pair: it is listed, and stops publishing,
  // but the export still imports.
  const byUuid = new Map(loadedFlows.map(({ flow }) => [flow.uuid, flow]));
  const flows = loadedFlows.map(({ flow, problems }) => ({
    flow,
    problems: [...problems, ...enteredFlowProblems(flow, (uuid) => byUuid.get(uuid)?.type, (uuid) => { const f = byUuid.get(uuid); return f && (f.variables ?? []); })],
  }));
  return { ok: true, flows, fields: exported.fields, groups: exported.groups };
}
