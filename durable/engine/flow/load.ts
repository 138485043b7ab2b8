import { FlowDefinition, Node } from "./schema";
import { MigrationError, migrateFlow } from "./migrate";
import { structureProblems, validateFlow, type FlowProblem } from "./validate";

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

/** The parts of a broken definition that parse: a node that does not keeps only its UUID. */
function salvage(definition: Record<string, unknown>): FlowDefinition {
  const rawNodes = Array.isArray(definition.nodes) ? definition.nodes : [];
  const nodes = rawNodes.flatMap((raw): Node[] => {
    const node = Node.safeParse(raw);
    if (node.success) return [node.data];
    const uuid = (raw as { uuid?: unknown } | null)?.uuid;
    return typeof uuid === "string" ? [{ uuid, actions: [], exits: [] }] : [];
  });
  return { ...(definition as FlowDefinition), nodes };
}
