import type { Action, MsgWait, Node } from "../../../../durable/engine/flow/schema";

/** A switch node routing `operand` through `cases` to categories named in order; the last category is the default. */
export function switchNode(
  uuid: () => string,
  spec: { operand: string; categories: string[]; cases?: { type: string; arguments: string[]; category: string }[]; actions?: Action[]; wait?: MsgWait; result_name?: string },
): Node {
  const categories = spec.categories.map((name) => ({ uuid: uuid(), name, exit_uuid: uuid() }));
  const byName = new Map(categories.map((c) => [c.name, c.uuid]));
  return {
    uuid: uuid(),
    actions: spec.actions ?? [],
    router: {
      type: "switch",
      operand: spec.operand,
      cases: (spec.cases ?? []).map((c) => ({ uuid: uuid(), type: c.type, arguments: c.arguments, category_uuid: byName.get(c.category)! })),
      categories,
      default_category_uuid: categories[categories.length - 1].uuid,
      ...(spec.result_name ? { result_name: spec.result_name } : {}),
      ...(spec.wait ? { wait: spec.wait } : {}),
    },
    exits: categories.map((c) => ({ uuid: c.exit_uuid, destination_uuid: null })),
  };
}

/** The result key goflow makes of a result name: `@results.<key>`. */
export const resultKey = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 64);

export const isSwitch = (node: Node): node is Node & { router: Extract<NonNullable<Node["router"]>, { type: "switch" }> } => node.router?.type === "switch";
