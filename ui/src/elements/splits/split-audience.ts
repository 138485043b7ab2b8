import type { SplitElement } from "../types";

/** Eddy's A/B/n split: each bucket a whole percentage, adding up to 100. */
export const splitAudience: SplitElement = {
  ui: "split_audience",
  name: "Split audience (A/B)",
  create: (uuid) => {
    const categories = ["A", "B"].map((name) => ({ uuid: uuid(), name, exit_uuid: uuid() }));
    return { uuid: uuid(), actions: [], router: { type: "split_audience", categories, percentages: [50, 50] }, exits: categories.map((c) => ({ uuid: c.exit_uuid, destination_uuid: null })) };
  },
  matches: (node) => node.router?.type === "split_audience",
  edit: { operand: "fixed", rules: false, buckets: true, percentages: true, resultName: true },
  summary: (node) => (node.router?.type === "split_audience" ? node.router.categories.map((c, i) => `${c.name} ${(node.router as { percentages: number[] }).percentages[i] ?? 0}%`).join(" · ") : ""),
};
