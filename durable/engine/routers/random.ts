import type { Scope } from "../actions/base";
import type { RandomRouter } from "../flow/schema";
import type { Routed } from "./index";

/** A uniform draw from the injected random source; the result's value is the draw itself. */
export function routeRandom(router: RandomRouter, s: Scope): Routed {
  const r = s.session.services.random();
  const i = Math.min(Math.floor(r * router.categories.length), router.categories.length - 1);
  return { categoryUUID: router.categories[i].uuid, value: String(r) };
}
