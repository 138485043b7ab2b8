import type { XValue } from "./types";

/** Same type and same value, deeply (used by contains and unique). */
export function equals(a: XValue, b: XValue): boolean {
  if (a === null || b === null) return a === b;
  switch (a.kind) {
    case "text":
      return b.kind === "text" && a.value === b.value;
    case "number":
      return b.kind === "number" && a.value.eq(b.value);
    case "boolean":
      return b.kind === "boolean" && a.value === b.value;
    case "date":
      return b.kind === "date" && a.value.equals(b.value);
    case "datetime":
      return b.kind === "datetime" && a.value.equals(b.value);
    case "time":
      return b.kind === "time" && a.value.equals(b.value);
    case "array":
      return b.kind === "array" && a.values.length === b.values.length && a.values.every((x, i) => equals(x, b.values[i]));
    case "object": {
      if (b.kind !== "object" || a.properties.size !== b.properties.size) return false;
      if (a.hasDefault !== b.hasDefault || (a.hasDefault && !equals(a.defaultValue ?? null, b.defaultValue ?? null))) return false;
      for (const [k, v] of a.properties) if (!b.properties.has(k) || !equals(v, b.properties.get(k) ?? null)) return false;
      return true;
    }
    case "function":
      return a === b;
    case "error":
      return b.kind === "error" && a.message === b.message;
  }
}
