/**
 * A deep copy of plain JSON data (what sessions, triggers and contacts are): several times faster
 * than `structuredClone`, which serialises through a buffer. An own `__proto__` key (a webhook's
 * JSON may have one) stays an own key, as `structuredClone` keeps it.
 */
export function cloneJSON<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = cloneJSON(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const v = cloneJSON((value as Record<string, unknown>)[key]);
    if (key === "__proto__") Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    else out[key] = v;
  }
  return out as T;
}
