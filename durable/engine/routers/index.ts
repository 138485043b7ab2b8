import type { Scope } from "../actions/base";
import type { Router } from "../flow/schema";
import { saveResult } from "../results";
import { routeRandom } from "./random";
import { routeSegmentAudience } from "./segment-audience";
import { routeSplitAudience } from "./split-audience";
import { routeSwitch } from "./switch";

/** The category a router picked and what its result records, or why it could not pick one. */
export type Routed = { categoryUUID: string; value: string; input?: string; extra?: unknown } | { fail: string };

export function route(router: Router, s: Scope): Routed {
  if (router.type === "split_audience") return routeSplitAudience(router, s);
  if (router.type === "segment_audience") return routeSegmentAudience(router, s);
  return router.type === "switch" ? routeSwitch(router, s) : routeRandom(router, s);
}

/**
 * goflow's `routeToCategory`: records the result (category name also in the contact's language)
 * and gives the exit to take.
 */
export function takeCategory(
  router: Router,
  s: Scope,
  routed: { categoryUUID: string; value: string; input?: string; extra?: unknown },
): { exitUUID: string } | { fail: string } {
  const category = router.categories.find((c) => c.uuid === routed.categoryUUID);
  if (!category) return { fail: `router on node ${s.node.uuid} has no category ${routed.categoryUUID}` };
  if (router.result_name) {
    const localized = s.localized(category.uuid, "name", [category.name]).values[0] ?? category.name;
    saveResult(s, router.result_name, routed.value, category.name, localized, routed.input, routed.extra);
  }
  return { exitUUID: category.exit_uuid };
}
