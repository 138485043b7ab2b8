import type { Environment } from "../environment";
import { define } from "../functions/define";
import { findLocationsFuzzy, LEVEL_DISTRICT, LEVEL_STATE, LEVEL_WARD, type Location, type LocationNode } from "../locations";
import { toText } from "../values/convert";
import { XError, XFunction, err, text, type XValue } from "../values/types";
import { FALSE, trueResult } from "./result";

function hierarchy(env: Environment): LocationNode | XError {
  return env.locations ?? err("can't find locations in an environment without a location hierarchy");
}

function texts(env: Environment, args: XValue[]): string[] | XError {
  const out: string[] = [];
  for (const a of args) {
    const s = toText(env, a);
    if (s instanceof XError) return s;
    out.push(s);
  }
  return out;
}

function result(found: Location[]): XValue {
  return found.length ? trueResult(text(found[0].path)) : FALSE;
}

/** The state named in `name`, or undefined when the name is blank (no restriction); null when not found. */
function state(root: LocationNode, name: string): Location | null | undefined {
  if (name.trim() === "") return undefined;
  return findLocationsFuzzy(root, name, LEVEL_STATE, null)[0] ?? null;
}

function district(root: LocationNode, name: string, within: Location | null): Location | null | undefined {
  if (name.trim() === "") return undefined;
  return findLocationsFuzzy(root, name, LEVEL_DISTRICT, within)[0] ?? null;
}

/** The ward's parent from its two optional arguments, or null when they name nothing. */
function wardParent(root: LocationNode, first: string, second: string): Location | null | undefined {
  // goflow documents has_ward(text, district, state); examples also give the state first. A state
  // and a district can't be confused, so either order is read.
  for (const [d, s] of [
    [first, second],
    [second, first],
  ]) {
    const st = state(root, s);
    if (st === null) continue;
    const di = district(root, d, st ?? null);
    if (di !== null) return di ?? st;
  }
  return null;
}

export const locationTests: XFunction[] = [
  define("has_state", 1, 1, (env, args) => {
    const root = hierarchy(env);
    if (root instanceof XError) return root;
    const t = texts(env, args);
    if (t instanceof XError) return t;
    return result(findLocationsFuzzy(root, t[0], LEVEL_STATE, null));
  }),

  define("has_district", 1, 2, (env, args) => {
    const root = hierarchy(env);
    if (root instanceof XError) return root;
    const t = texts(env, args);
    if (t instanceof XError) return t;
    const st = state(root, t[1] ?? "");
    if (st === null) return FALSE;
    return result(findLocationsFuzzy(root, t[0], LEVEL_DISTRICT, st ?? null));
  }),

  define("has_ward", 1, 3, (env, args) => {
    const root = hierarchy(env);
    if (root instanceof XError) return root;
    const t = texts(env, args);
    if (t instanceof XError) return t;
    const parent = wardParent(root, t[1] ?? "", t[2] ?? "");
    if (parent === null) return FALSE;
    return result(findLocationsFuzzy(root, t[0], LEVEL_WARD, parent ?? null));
  }),
];
