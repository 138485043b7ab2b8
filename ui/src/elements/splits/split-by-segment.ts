import type { Node, SegmentAudienceRouter } from "../../../../durable/engine/flow/schema";
import type { SplitElement } from "../types";
import { clip } from "../summary";
import { describeCondition, newAttributeCondition, type SegmentRow } from "./segment-conditions";

type SegmentNode = Node & { router: SegmentAudienceRouter };

const isSegmentSplit = (node: Node): node is SegmentNode => node.router?.type === "segment_audience";

/**
 * Moments' segment audience split: segments tried in order, the first the contact is in takes its
 * exit, the rest take the last. Each segment is conditions on attributes, fields, contact
 * information, last contacted and events in nested AND/OR groups, or a segment query
 * (docs/segments.md); the form holds them as the engine's JSON (docs/journeys.md).
 */
export const splitBySegment: SplitElement = {
  ui: "split_by_segment",
  name: "Split by segment",
  create: (uuid) => {
    const categories = ["Segment 1", "Others"].map((name) => ({ uuid: uuid(), name, exit_uuid: uuid() }));
    return {
      uuid: uuid(),
      actions: [],
      router: { type: "segment_audience", categories, segments: [{ category_uuid: categories[0].uuid, match: "all", conditions: [newAttributeCondition()] }], default_category_uuid: categories[1].uuid },
      exits: categories.map((c) => ({ uuid: c.exit_uuid, destination_uuid: null })),
    };
  },
  matches: isSegmentSplit,
  edit: { operand: "fixed", rules: false, resultName: true },
  form: {
    fields: [
      { key: "segments", label: "Segments", kind: "segments" },
      { key: "others", label: "Everyone else goes to", kind: "text", max: 36 },
    ],
    read: (node) => {
      if (!isSegmentSplit(node)) return {};
      const name = (uuid: string) => node.router.categories.find((c) => c.uuid === uuid)?.name ?? "";
      return {
        segments: node.router.segments.map((s): SegmentRow => ({ category: s.category_uuid, name: name(s.category_uuid), match: s.match, conditions: s.conditions })),
        others: name(node.router.default_category_uuid),
      };
    },
    write: (node, v, uuid) => {
      if (!isSegmentSplit(node)) return node;
      const router = node.router;
      const old = new Map(router.segments.map((s) => [s.category_uuid, s]));
      const rows = ((v.segments as SegmentRow[]) ?? []).map((r) => ({ ...r, category: r.category ?? uuid() }));
      // What else a segment carries (made through the API) stays with it.
      const segments = rows.map((r) => ({ ...old.get(r.category), category_uuid: r.category, match: r.match ?? ("all" as const), conditions: r.conditions ?? [] }));
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
    return node.router.segments
      .map((s) => `${name(s.category_uuid)}: ${clip(s.conditions.map(describeCondition).join(s.match === "all" ? " AND " : " OR "), 120)}`)
      .join(" · ");
  },
};
