// A switch router as the side panel edits it: rules (test, arguments, category name), the
// "Other" category and an optional reply timeout. Writing it back keeps every category's UUID and
// exit (so its connection) when a category of that name, or failing that in that place, existed.
import type { Node } from "./model";

export type Rule = { uuid?: string; type: string; arguments: string[]; category: string };
export const OTHER = "Other";
export const NO_RESPONSE = "No Response";

type Category = NonNullable<Node["router"]>["categories"][number];

export function readRules(node: Node): { rules: Rule[]; other: string; timeout?: number } {
  const r = node.router;
  if (r?.type !== "switch") return { rules: [], other: OTHER };
  const name = (uuid: string) => r.categories.find((c) => c.uuid === uuid)?.name ?? "";
  return {
    rules: r.cases.map((c) => ({ uuid: c.uuid, type: c.type, arguments: [...c.arguments], category: name(c.category_uuid) })),
    other: (r.default_category_uuid && name(r.default_category_uuid)) || OTHER,
    timeout: r.wait?.type === "msg" ? r.wait.timeout?.seconds : undefined,
  };
}

/** New categories reuse old ones by name, then by position, so renaming keeps the connection. */
export function reuseCategories(old: Category[], names: string[], uuid: () => string): Category[] {
  const left = [...old];
  const byName = names.map((n) => {
    const i = left.findIndex((c) => c.name === n);
    return i < 0 ? undefined : left.splice(i, 1)[0];
  });
  return names.map((name, i) => {
    const c = byName[i] ?? (old[i] && left.includes(old[i]) ? left.splice(left.indexOf(old[i]), 1)[0] : undefined);
    return c ? { ...c, name } : { uuid: uuid(), name, exit_uuid: uuid() };
  });
}

/** Exits for the categories: each category's exit kept (with its destination), new ones unconnected. */
export function exitsFor(node: Node, categories: Category[]): Node["exits"] {
  const seen = new Set<string>();
  return categories.flatMap((c) => {
    if (seen.has(c.exit_uuid)) return [];
    seen.add(c.exit_uuid);
    return [node.exits.find((e) => e.uuid === c.exit_uuid) ?? { uuid: c.exit_uuid, destination_uuid: null }];
  });
}

export function writeRules(node: Node, rules: Rule[], uuid: () => string, opts: { other?: string; timeout?: number | null } = {}): Node {
  const r = node.router;
  if (r?.type !== "switch") return node;
  const current = readRules(node);
  const other = opts.other ?? current.other;
  const timeout = opts.timeout === undefined ? current.timeout : opts.timeout ?? undefined;
  const names = [...new Set(rules.map((x) => x.category.trim() || "Unnamed"))].filter((n) => n !== other && n !== NO_RESPONSE);
  const all = [...names, other, ...(timeout ? [NO_RESPONSE] : [])];
  const categories = reuseCategories(r.categories, all, uuid);
  const uuidOf = (name: string) => categories.find((c) => c.name === name)!.uuid;
  const wait = r.wait && { ...r.wait, timeout: timeout ? { seconds: timeout, category_uuid: uuidOf(NO_RESPONSE) } : undefined };
  if (wait && !wait.timeout) delete wait.timeout;
  return {
    ...node,
    router: {
      ...r,
      cases: rules.map((x) => ({ uuid: x.uuid ?? uuid(), type: x.type, arguments: x.arguments, category_uuid: uuidOf(x.category.trim() || "Unnamed") })),
      categories,
      default_category_uuid: uuidOf(other),
      ...(wait ? { wait } : {}),
    },
    exits: exitsFor(node, categories),
  };
}

/** A random router's buckets renamed, added or removed; a split audience keeps a percentage for each. */
export function writeBuckets(node: Node, names: string[], uuid: () => string, percentages?: number[]): Node {
  const r = node.router;
  if (!r) return node;
  const categories = reuseCategories(r.categories, names, uuid);
  if (r.type !== "split_audience") return { ...node, router: { ...r, categories }, exits: exitsFor(node, categories) };
  const old = r.percentages as number[];
  const kept = percentages ?? categories.map((c) => old[r.categories.findIndex((o) => o.uuid === c.uuid)] ?? 0);
  return { ...node, router: { ...r, categories, percentages: kept }, exits: exitsFor(node, categories) };
}
