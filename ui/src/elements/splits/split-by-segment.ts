import type { Node, SegmentAudienceRouter } from "../../../../durable/engine/flow/schema";
import type { SplitElement } from "../types";
import { clip } from "../summary";

type SegmentNode = Node & { router: SegmentAudienceRouter };
type Row = { category?: string; name?: string; query?: string };

const isSegmentSplit = (node: Node): node is SegmentNode => node.router?.type === "segment_audience";
/** A segment made of one segment query, as this form writes it; others (attributes, events, groups) come from the API. */
const queryOf = (s: SegmentAudienceRouter["segments"][number]): string | undefined =>
  s.conditions.length === 1 && "query" in s.conditions[0] ? String((s.conditions[0] as { query: unknown }).query) : undefined;

/**
 * Moments' segment audience split: segments tried in order, the first the contact is in takes its
 * exit, the rest take the last. Each segment is written here as a segment query (docs/segments.md);
 * a segment of attribute, field or event conditions made through the API keeps them while its
 * query is left empty.
 */
export const splitBySegment: SplitElement = {
  ui: "split_by_segment",
  name: "Split by segment",
  create: (uuid) => {
    const categories = ["Segment 1", "Others"].map((name) => ({ uuid: uuid(), name, exit_uuid: uuid() }));
    return {
      uuid: uuid(),
      actions: [],
      router: { type: "segment_audience", categories, segments: [{ category_uuid: categories[0].uuid, match: "all", conditions: [{ query: "" }] }], default_category_uuid: categories[1].uuid },
      exits: categories.map((c) => ({ uuid: c.exit_uuid, destination_uuid: null })),
    };
  },
  matches: isSegmentSplit,
  edit: { operand: "fixed", rules: false, resultName: true },
  form: {
    fields: [
      {
        key: "segments",
        label: "Segment",
        kind: "rows",
        max: 50,
        columns: [
          { key: "name", label: "Exit" },
          { key: "query", label: "Segment query" },
        ],
        help: 'tried in order, the first the contact is in wins; a query over contact fields and attributes, like age >= 18 AND plan = "gold"',
      },
      { key: "others", label: "Everyone else goes to", kind: "text", max: 36 },
    ],
    read: (node) => {
      if (!isSegmentSplit(node)) return {};
      const name = (uuid: string) => node.router.categories.find((c) => c.uuid === uuid)?.name ?? "";
      return {
        segments: node.router.segments.map((s): Row => ({ category: s.category_uuid, name: name(s.category_uuid), query: queryOf(s) ?? "" })),
        others: name(node.router.default_category_uuid),
      };
    },
    write: (node, v, uuid) => {
      if (!isSegmentSplit(node)) return node;
      const router = node.router;
      const old = new Map(router.segments.map((s) => [s.category_uuid, s]));
      const rows = ((v.segments as Row[]) ?? []).map((r) => ({ ...r, category: r.category ?? uuid() }));
      const segments = rows.map((r) => {
        const before = old.get(r.category);
        const keep = !r.query && before && queryOf(before) === undefined;
        return keep ? before : { category_uuid: r.category, match: before?.match ?? ("all" as const), conditions: [{ query: r.query ?? "" }] };
      });
      const exitOf = new Map(router.categories.map((c) => [c.uuid, c.exit_uuid]));
      const categories = [
        ...rows.map((r) => ({ uuid: r.category, name: r.name ?? "", exit_uuid: exitOf.get(r.category) ?? uuid() })),
        { uuid: router.default_category_uuid, name: typeof v.others === "string" ? v.others : "Others", exit_uuid: exitOf.get(router.default_category_uuid) ?? uuid() },
      ];
      const destination = new Map(node.exits.map((e) => [e.uuid, e.destination_uuid]));
      return {
        ...node,
        router: { ...router, segments, categories },
        exits: categories.map((c) => ({ uuid: c.exit_uuid, destination_uuid: destination.get(c.exit_uuid) ?? null })),
      };
    },
  },
  summary: (node) => {
    if (!isSegmentSplit(node)) return "";
    const name = (uuid: string) => node.router.categories.find((c) => c.uuid === uuid)?.name ?? "?";
    return node.router.segments.map((s) => `${name(s.category_uuid)}: ${clip(queryOf(s) ?? "conditions", 40)}`).join(" · ");
  },
};
