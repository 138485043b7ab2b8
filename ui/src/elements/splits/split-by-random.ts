import type { SplitElement } from "../types";

export const splitByRandom: SplitElement = {
  ui: "split_by_random",
  name: "Split randomly",
  create: (uuid) => {
    const categories = ["Bucket 1", "Bucket 2"].map((name) => ({ uuid: uuid(), name, exit_uuid: uuid() }));
    return { uuid: uuid(), actions: [], router: { type: "random", categories }, exits: categories.map((c) => ({ uuid: c.exit_uuid, destination_uuid: null })) };
  },
  matches: (node) => node.router?.type === "random",
  edit: { operand: "fixed", rules: false, buckets: true, resultName: true },
};
