// The draft as the editor holds it, and the immutable edits made to it. Only the nodes an edit
// touches get new objects, so the canvas re-renders only those.
import type { Action, FlowDefinition, Node } from "../../../durable/engine/flow/schema";

export type UiNode = { position: { left: number; top: number }; type?: string; config?: Record<string, unknown> };
export type Ui = { nodes?: Record<string, UiNode>; [key: string]: unknown };
export type Definition = FlowDefinition & { _ui?: Ui };
export type { Action, Node };

export const newUuid = (): string => crypto.randomUUID();

export function withNode(d: Definition, uuid: string, fn: (n: Node) => Node): Definition {
  return { ...d, nodes: d.nodes.map((n) => (n.uuid === uuid ? fn(n) : n)) };
}

export function uiOf(d: Definition): Record<string, UiNode> {
  return d._ui?.nodes ?? {};
}

export function withUiNodes(d: Definition, patch: Record<string, Partial<UiNode> | null>): Definition {
  const nodes = { ...uiOf(d) };
  for (const [uuid, p] of Object.entries(patch)) {
    if (p === null) delete nodes[uuid];
    else nodes[uuid] = { ...(nodes[uuid] ?? { position: { left: 0, top: 0 } }), ...p } as UiNode;
  }
  return { ...d, _ui: { ...(d._ui ?? {}), nodes } };
}

export function setDestination(d: Definition, nodeUuid: string, exitUuid: string, destination: string | null): Definition {
  return withNode(d, nodeUuid, (n) => ({ ...n, exits: n.exits.map((e) => (e.uuid === exitUuid ? { ...e, destination_uuid: destination } : e)) }));
}

/** Removes nodes, and every exit pointing at them, and their translations' `_ui`. */
export function deleteNodes(d: Definition, uuids: Set<string>): Definition {
  if (!uuids.size) return d;
  const nodes = d.nodes
    .filter((n) => !uuids.has(n.uuid))
    .map((n) => (n.exits.some((e) => e.destination_uuid && uuids.has(e.destination_uuid)) ? { ...n, exits: n.exits.map((e) => (e.destination_uuid && uuids.has(e.destination_uuid) ? { ...e, destination_uuid: null } : e)) } : n));
  return withUiNodes({ ...d, nodes }, Object.fromEntries([...uuids].map((u) => [u, null])));
}

export function addNode(d: Definition, node: Node, ui: UiNode, after?: { nodeUuid: string; exitUuid: string }): Definition {
  let next: Definition = { ...d, nodes: [...d.nodes, node] };
  if (after) {
    // Inserted on an existing connection: the new node takes over where the exit went.
    const from = d.nodes.find((n) => n.uuid === after.nodeUuid);
    const old = from?.exits.find((e) => e.uuid === after.exitUuid)?.destination_uuid ?? null;
    next = setDestination(next, after.nodeUuid, after.exitUuid, node.uuid);
    if (old && node.exits.length) next = withNode(next, node.uuid, (n) => ({ ...n, exits: n.exits.map((e, i) => (i === 0 ? { ...e, destination_uuid: old } : e)) }));
  }
  return withUiNodes(next, { [node.uuid]: ui });
}

/** A node that only runs actions: one exit. */
export const actionNode = (actions: Action[]): Node => ({ uuid: newUuid(), actions, exits: [{ uuid: newUuid(), destination_uuid: null }] });

/** Every UUID inside an item that the localization may key on (actions, categories, cases). */
export function localizableUuids(node: Node): string[] {
  return [...node.actions.map((a) => a.uuid), ...(node.router?.categories.map((c) => c.uuid) ?? []), ...(node.router?.type === "switch" ? node.router.cases.map((c) => c.uuid) : [])];
}
