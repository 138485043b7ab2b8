/**
 * A value in a JSON document by a simple path: `data.items[0].total`, optionally starting with `$.`
 * (what Moments and most APIs' docs write). Undefined when nothing is there.
 */
export function atPath(json: unknown, path: string): unknown {
  const steps = parsePath(path);
  if (!steps) return undefined;
  let at: unknown = json;
  for (const step of steps) {
    if (at === null || typeof at !== "object") return undefined;
    if (typeof step === "number") {
      if (!Array.isArray(at)) return undefined;
      at = at[step];
    } else {
      if (Array.isArray(at) || !Object.hasOwn(at, step)) return undefined;
      at = (at as Record<string, unknown>)[step];
    }
  }
  return at;
}

/** The steps of a path, or null when it is not one (`a..b`, `a[x]`). */
export function parsePath(path: string): (string | number)[] | null {
  const rest = path.startsWith("$.") ? path.slice(2) : path === "$" ? "" : path;
  if (rest === "") return [];
  const steps: (string | number)[] = [];
  for (const part of rest.split(".")) {
    const m = /^([^[\]]+)?((?:\[\d+\])*)$/.exec(part);
    if (!m || (!m[1] && !m[2])) return null;
    if (m[1]) steps.push(m[1]);
    for (const index of m[2].matchAll(/\[(\d+)\]/g)) steps.push(Number(index[1]));
  }
  return steps;
}
