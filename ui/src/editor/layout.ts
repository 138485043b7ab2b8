import dagre from "@dagrejs/dagre";
import type { Definition, Node, UiNode } from "./model";

export const NODE_WIDTH = 220;

/** A node's height before it is measured, for layout: header, actions, exits. */
export function estimatedHeight(node: Node): number {
  return 24 + node.actions.length * 56 + (node.router ? 30 : 0) + 36;
}

/**
 * Positions for the nodes `_ui` does not place (all of them in a flow written by hand or by an
 * API): dagre lays the graph out top to bottom, the way TextIt's canvas reads.
 */
export function layoutMissing(d: Definition): Record<string, UiNode> | null {
  const placed = d._ui?.nodes ?? {};
  const missing = d.nodes.filter((n) => !placed[n.uuid]?.position);
  if (!missing.length) return null;
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "TB", nodesep: 40, ranksep: 60, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of d.nodes) g.setNode(n.uuid, { width: NODE_WIDTH, height: estimatedHeight(n) });
  for (const n of d.nodes) for (const e of n.exits) if (e.destination_uuid && g.hasNode(e.destination_uuid)) g.setEdge(n.uuid, e.destination_uuid);
  dagre.layout(g);
  // Nodes laid out next to placed ones would overlap them: put the new ones below everything placed.
  const placedBottom = Math.max(0, ...d.nodes.filter((n) => placed[n.uuid]?.position).map((n) => placed[n.uuid].position.top + estimatedHeight(n)));
  const offset = missing.length === d.nodes.length ? 0 : placedBottom + 80;
  const out: Record<string, UiNode> = {};
  for (const n of missing) {
    const p = g.node(n.uuid);
    out[n.uuid] = { position: { left: Math.round(p.x - NODE_WIDTH / 2), top: Math.round(p.y - p.height / 2 + offset) } };
  }
  return out;
}
