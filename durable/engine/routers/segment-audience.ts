import type { Scope } from "../actions/base";
import type { SegmentAudienceRouter } from "../flow/schema";
import { SegmentMatcher } from "../segments/match";
import type { Routed } from "./index";

/**
 * Segment audience: the first segment, in order, whose conditions the contact meets takes its
 * category; a contact in none takes the default. The result's value is the segment's number (1 for
 * the first), 0 for the default.
 */
export function routeSegmentAudience(router: SegmentAudienceRouter, s: Scope): Routed {
  const matcher = new SegmentMatcher(s);
  for (const [i, segment] of router.segments.entries()) {
    if (matcher.matches(segment)) return { categoryUUID: segment.category_uuid, value: String(i + 1) };
  }
  return { categoryUUID: router.default_category_uuid, value: "0" };
}
