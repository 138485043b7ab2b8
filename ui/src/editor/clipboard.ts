// Copy and paste through the system clipboard as JSON, so nodes move between flows, tabs and
// browsers. Every UUID is replaced on paste: a flow may hold a pasted copy next to its original.
import { localizableUuids, newUuid, type Definition, type Node, type UiNode } from "./model";

const KIND = "eddy/nodes";
type Payload = { kind: typeof KIND; nodes: Node[]; ui: Record<string, UiNode>; localization: Record<string, Record<string, unknown>> };

export function copyNodes(d: Definition, uuids: Set<string>): string {
  const nodes = d.nodes.filter((n) => uuids.has(n.uuid));
  const ui = Object.fromEntries(nodes.flatMap((n) => (d._ui?.nodes?.[n.uuid] ? [[n.uuid, d._ui.nodes[n.uuid]]] : [])));
  const items = new Set(nodes.flatMap(localizableUuids));
  const localization = Object.fromEntries(
    Object.entries(d.localization ?? {}).map(([lang, byItem]) => [lang, Object.fromEntries(Object.entries(byItem).filter(([uuid]) => items.has(uuid)))]),
  );
  return JSON.stringify({ kind: KIND, nodes, ui, localization } satisfies Payload);
}

/** The pasted nodes with fresh UUIDs placed around `at`, or null when the text is not copied nodes. */
export function pasteNodes(d: Definition, text: string, at: { x: number; y: number }): { definition: Definition; uuids: string[] } | null {
  let payload: Payload;
  try {
    payload = JSON.parse(text);
  } catch {
    return null;
  }
  if (payload?.kind !== KIND || !Array.isArray(payload.nodes) || !payload.nodes.length) return null;

  // One map for every UUID in the copied nodes; exits to nodes not copied are left unconnected.
  const fresh = new Map<string, string>();
  const remap = (uuid: string) => {
    if (!fresh.has(uuid)) fresh.set(uuid, newUuid());
    return fresh.get(uuid)!;
  };
  const copied = new Set(payload.nodes.map((n) => n.uuid));
  const nodes: Node[] = payload.nodes.map((n) => {
    const router = n.router && {
      ...n.router,
      categories: n.router.categories.map((c) => ({ ...c, uuid: remap(c.uuid), exit_uuid: remap(c.exit_uuid) })),
      ...(n.router.type === "switch"
        ? {
            cases: n.router.cases.map((c) => ({ ...c, uuid: remap(c.uuid), category_uuid: remap(c.category_uuid) })),
            ...(n.router.default_category_uuid ? { default_category_uuid: remap(n.router.default_category_uuid) } : {}),
          }
        : {}),
      ...(n.router.wait ? { wait: remapWait(n.router.wait as Record<string, unknown>, remap) } : {}),
    };
    return {
      ...n,
      uuid: remap(n.uuid),
      actions: n.actions.map((a) => ({ ...a, uuid: remap(a.uuid) })),
      exits: n.exits.map((e) => ({ ...e, uuid: remap(e.uuid), destination_uuid: e.destination_uuid && copied.has(e.destination_uuid) ? remap(e.destination_uuid) : null })),
      ...(router ? { router: router as Node["router"] } : {}),
    };
  });

  const positions = payload.nodes.map((n) => payload.ui?.[n.uuid]?.position ?? { left: 0, top: 0 });
  const left = Math.min(...positions.map((p) => p.left));
  const top = Math.min(...positions.map((p) => p.top));
  const ui = { ...(d._ui?.nodes ?? {}) };
  payload.nodes.forEach((n, i) => {
    ui[remap(n.uuid)] = { ...(payload.ui?.[n.uuid] ?? {}), position: { left: Math.round(at.x + positions[i].left - left), top: Math.round(at.y + positions[i].top - top) } };
  });

  const localization = { ...(d.localization ?? {}) };
  for (const [lang, byItem] of Object.entries(payload.localization ?? {})) {
    const moved = Object.fromEntries(Object.entries(byItem).filter(([uuid]) => fresh.has(uuid)).map(([uuid, v]) => [fresh.get(uuid)!, v as Record<string, string[]>]));
    if (Object.keys(moved).length) localization[lang] = { ...(localization[lang] ?? {}), ...moved };
  }

  return {
    definition: { ...d, nodes: [...d.nodes, ...nodes], _ui: { ...(d._ui ?? {}), nodes: ui }, ...(Object.keys(localization).length ? { localization } : {}) },
    uuids: nodes.map((n) => n.uuid),
  };
}

/** A wait's category references (a reply timeout's, a pause's, a date wait's two) follow the copy. */
function remapWait(wait: Record<string, unknown>, remap: (uuid: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...wait };
  for (const [k, v] of Object.entries(wait)) if (k.endsWith("category_uuid") && typeof v === "string") out[k] = remap(v);
  const timeout = wait.timeout as { category_uuid?: string } | undefined;
  if (timeout?.category_uuid) out.timeout = { ...timeout, category_uuid: remap(timeout.category_uuid) };
  return out;
}
