import { loadFlow } from "../../../durable/engine/flow/load";
import { elementProblems } from "../elements/registry";
import type { Definition } from "./model";

export type Problem = { level: "error" | "warning"; node_uuid?: string; action_uuid?: string; path?: string; message: string };

/**
 * The engine's own validation (what publishing refuses with), plus the element descriptions'
 * checks as warnings. Run on every change: a 300-node flow takes a few milliseconds.
 */
export function validate(d: Definition): Problem[] {
  const engine: Problem[] = loadFlow(d).problems;
  const extra = d.nodes.flatMap((n) => elementProblems(n).map((p) => ({ level: "warning" as const, node_uuid: n.uuid, ...p })));
  return [...engine, ...extra];
}

/** The message without the "node …, action … (type): " prefix, for showing it on the node itself. */
export const shortMessage = (p: Problem): string => p.message.replace(/^node [0-9a-f-]+(, action [0-9a-f-]+ \([a-z_]+\))?: /i, "");

export function byNode(problems: Problem[]): Map<string, Problem[]> {
  const map = new Map<string, Problem[]>();
  for (const p of problems) {
    const key = p.node_uuid ?? "";
    map.set(key, [...(map.get(key) ?? []), p]);
  }
  return map;
}
