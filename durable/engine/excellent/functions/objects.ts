import { toText } from "../values/convert";
import { XError, XFunction, XObject, arr, describe, err, text, type XValue } from "../values/types";
import { callEach, toFunction } from "./arrays";
import { define } from "./define";

export function toObject(v: XValue): XObject | XError {
  if (v !== null && v.kind === "error") return v;
  if (v !== null && v.kind === "object") return v;
  return err(`${describe(v)} isn't an object`);
}

export const objectFunctions: XFunction[] = [
  define("object", 0, Infinity, (env, args) => {
    if (args.length % 2 !== 0) return err("requires an even number of arguments");
    const props = new Map<string, XValue>();
    for (let i = 0; i < args.length; i += 2) {
      const key = toText(env, args[i]);
      if (key instanceof XError) return key;
      if (key === "") return err("property names can't be empty");
      props.set(key, args[i + 1]);
    }
    return new XObject(props);
  }),

  define("keys", 1, 1, (_env, [v]) => {
    if (v === null) return arr([]);
    const o = toObject(v);
    return o instanceof XError ? o : arr(o.sortedKeys().map(text));
  }),

  define("extract", 2, 2, (env, [v, k]) => {
    const o = toObject(v);
    if (o instanceof XError) return o;
    const key = toText(env, k);
    if (key instanceof XError) return key;
    const value = o.get(key);
    return value === undefined ? err(`object has no property '${key}'`) : value;
  }),

  define("extract_object", 2, Infinity, (env, [v, ...keys]) => {
    const o = toObject(v);
    if (o instanceof XError) return o;
    const props = new Map<string, XValue>();
    for (const k of keys) {
      const key = toText(env, k);
      if (key instanceof XError) return key;
      props.set(key, o.get(key) ?? null);
    }
    return new XObject(props);
  }),

  define("foreach_value", 2, Infinity, (env, [v, f, ...extra]) => {
    const o = toObject(v);
    if (o instanceof XError) return o;
    const fn = toFunction(f);
    if (fn instanceof XError) return fn;
    const keys = [...o.properties.keys()];
    const values = callEach(env, fn, keys.map((k) => o.properties.get(k) ?? null), extra);
    if (values instanceof XError) return values;
    return new XObject(new Map(keys.map((k, i) => [k, values[i]])));
  }),
];
