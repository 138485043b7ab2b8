import { Position, type Edge, type NodeHandle, type Node as RfNode } from "@xyflow/react";
import { splitOf } from "../elements/registry";
import type { FlowNodeData } from "./flow-node";
import type { InsertEdgeData } from "./insert-edge";
import { NODE_WIDTH, estimatedHeight } from "./layout";
import { uiOf, type Definition } from "./model";
import type { Problem } from "./problems";

export type Lit = { nodeUuids: Set<string>; exitUuids: Set<string> };

type Cached = { source: Definition["nodes"][number]; problems?: Problem[]; lit: boolean; litKey: string; data: FlowNodeData };

/**
 * The draft as React Flow nodes and edges. Data objects are reused for nodes that did not change,
 * so an edit to one node re-renders one node, not three hundred.
 */
export function makeCanvasItems(cache: Map<string, Cached>) {
  return (d: Definition, problems: Map<string, Problem[]>, lit: Lit, selected: Set<string>, onInsert: InsertEdgeData["onInsert"]) => {
    const ui = uiOf(d);
    const seen = new Set<string>();
    const nodes: RfNode[] = d.nodes.map((n) => {
      seen.add(n.uuid);
      const p = problems.get(n.uuid);
      const isLit = lit.nodeUuids.has(n.uuid);
      const litKey = isLit ? n.exits.filter((e) => lit.exitUuids.has(e.uuid)).map((e) => e.uuid).join() : "";
      let c = cache.get(n.uuid);
      if (!c || c.source !== n || !sameProblems(c.problems, p) || c.lit !== isLit || c.litKey !== litKey) {
        c = { source: n, problems: p, lit: isLit, litKey, data: { node: n, split: splitOf(n, ui[n.uuid]?.type), problems: p, lit: isLit, litExits: isLit ? new Set(litKey.split(",")) : undefined } };
        cache.set(n.uuid, c);
      }
      const pos = ui[n.uuid]?.position ?? { left: 0, top: 0 };
      return { id: n.uuid, type: "flow", position: { x: pos.left, y: pos.top }, data: c.data, selected: selected.has(n.uuid), ...estimatedGeometry(n) };
    });
    for (const k of cache.keys()) if (!seen.has(k)) cache.delete(k);

    const edges: Edge[] = [];
    for (const n of d.nodes)
      for (const e of n.exits)
        if (e.destination_uuid && seen.has(e.destination_uuid))
          edges.push({ id: e.uuid, source: n.uuid, sourceHandle: e.uuid, target: e.destination_uuid, type: "insert", data: { onInsert, lit: lit.exitUuids.has(e.uuid) }, selected: selected.has(e.uuid) });
    return { nodes, edges };
  };
}

function sameProblems(a?: Problem[], b?: Problem[]): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((p, i) => p.message === b[i].message && p.level === b[i].level);
}

/**
 * Where a node not yet drawn probably is: its size and handles estimated, so React Flow draws only
 * the nodes in view instead of every node once to measure it (what made a 300-node flow slow to
 * open). A drawn node is measured and loses these (see `measuredOnly`).
 */
export function estimatedGeometry(n: Definition["nodes"][number]): { initialWidth: number; initialHeight: number; handles: NodeHandle[] } {
  const height = estimatedHeight(n);
  return {
    initialWidth: NODE_WIDTH,
    initialHeight: height,
    handles: [
      { type: "target", position: Position.Top, x: NODE_WIDTH / 2 - 4, y: -4, width: 8, height: 8 },
      ...n.exits.map((e, i) => ({ id: e.uuid, type: "source" as const, position: Position.Bottom, x: (NODE_WIDTH * (i + 0.5)) / n.exits.length - 5, y: height - 5, width: 10, height: 10 })),
    ],
  };
}

/** A measured node keeps React Flow's measured handles instead of the estimate. */
export function measuredOnly(node: RfNode): RfNode {
  if (!node.measured?.width || !node.handles) return node;
  const { handles: _h, initialWidth: _w, initialHeight: _ht, ...rest } = node;
  return rest;
}
