import type { Assets } from "./assets";
import type { SprintChange } from "./effects";
import type { Statement } from "./storage/journal";

/** The routers whose branches the metrics count (docs/journeys.md, "Metrics"). */
export const COUNTED_ROUTERS = new Set(["split_audience", "segment_audience"]);

type Node = { uuid: string; router?: { type?: string; categories?: { uuid: string; exit_uuid: string }[] } };

/** Per definition: each counted split's node, and the category each of its exits belongs to. */
const splitsOf = new WeakMap<object, Map<string, Map<string, string>>>();

function splits(definition: Record<string, unknown>): Map<string, Map<string, string>> {
  let found = splitsOf.get(definition);
  if (found) return found;
  found = new Map();
  for (const node of (definition.nodes ?? []) as Node[]) {
    if (!COUNTED_ROUTERS.has(node.router?.type ?? "")) continue;
    found.set(node.uuid, new Map((node.router?.categories ?? []).map((c) => [c.exit_uuid, c.uuid])));
  }
  splitsOf.set(definition, found);
  return found;
}

/**
 * The `flow_passes` rows a sprint makes: each run that began in it entered its flow's version, and
 * each split audience or segment audience node it left (a step given its exit in this sprint) took
 * the branch of that exit. Every pass is a row for the version and one for "any version" (0), all
 * of a sprint's rows in one statement as a rule. `ON CONFLICT DO NOTHING` keeps the first: a contact counts once per version and place, however
 * often it passes (a split audience's draw gives it the same branch anyway; a segment split counts
 * the branch of its first pass), and a D1 write that lands again counts nothing more.
 *
 * A contact still in an older version is matched against the newest version's nodes (the only
 * definition at hand here): a split whose node and exits the newer version kept counts, one it
 * changed does not.
 */
export function passStatements(contactUuid: string, assets: Assets, change: SprintChange, nowIso: string): Statement[] {
  const before = new Map((change.before?.runs ?? []).map((r) => [r.uuid, r]));
  const rows: (string | number)[][] = [];
  const pass = (flow: string, version: number, node: string, category: string) => {
    for (const v of [version, 0]) rows.push([flow, v, node, contactUuid, category, nowIso]);
  };
  for (const run of change.after.runs) {
    const version = change.pins[run.flow.uuid];
    if (!version) continue;
    const old = before.get(run.uuid);
    if (!old) pass(run.flow.uuid, version, "", "");
    const definition = assets.flows.get(run.flow.uuid)?.definition;
    if (!definition) continue;
    const nodes = splits(definition);
    if (!nodes.size) continue;
    const left = new Set((old?.path ?? []).filter((s) => s.exit_uuid).map((s) => s.uuid));
    for (const step of run.path ?? []) {
      if (!step.exit_uuid || left.has(step.uuid)) continue;
      const category = nodes.get(step.node_uuid)?.get(step.exit_uuid);
      if (category) pass(run.flow.uuid, version, step.node_uuid, category);
    }
  }
  // Several rows to a statement (the trigger counts each row that lands), within D1's 100 parameters.
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT);
    out.push({
      sql: `INSERT INTO flow_passes (flow_uuid, version, node_uuid, contact_uuid, category_uuid, passed_on) VALUES ${chunk.map(() => "(?, ?, ?, ?, ?, ?)").join(", ")} ON CONFLICT DO NOTHING`,
      params: chunk.flat(),
    });
  }
  return out;
}

/** 6 parameters a row: 16 rows are 96 of D1's 100. */
const ROWS_PER_STATEMENT = 16;
