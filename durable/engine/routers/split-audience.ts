import type { Scope } from "../actions/base";
import type { SplitAudienceRouter } from "../flow/schema";
import type { Routed } from "./index";

/**
 * Split audience (A/B/n): the branch comes from a hash of the contact's and the node's UUIDs, not
 * from the session's random source, so a contact who passes the node again (or is replayed) takes
 * the same branch, while contacts spread over the branches by their percentages.
 */
export function routeSplitAudience(router: SplitAudienceRouter, s: Scope): Routed {
  const draw = stableDraw(`${s.session.json.contact.uuid}:${s.node.uuid}`);
  const point = draw * 100;
  let upTo = 0;
  for (const [i, category] of router.categories.entries()) {
    upTo += router.percentages[i] ?? 0;
    if (point < upTo) return { categoryUUID: category.uuid, value: draw.toFixed(6) };
  }
  // Validation makes the percentages add up to 100; a definition that slipped past it fails clearly.
  return { fail: `the percentages of the split on node ${s.node.uuid} do not add up to 100` };
}

/** [0, 1) from FNV-1a over the text, finished with murmur3's fmix32 so near-equal inputs spread. */
export function stableDraw(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}
