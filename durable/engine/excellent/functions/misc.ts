import { toBoolean, toText } from "../values/convert";
import { format } from "../values/render";
import { XBoolean, XError, XFunction, obj, text, type XValue } from "../values/types";
import { define } from "./define";

/** Nothing there: null, empty text, an empty array or object (goflow's IsEmpty). */
function isEmpty(v: XValue): boolean {
  if (v === null) return true;
  switch (v.kind) {
    case "text":
      return v.value === "";
    case "array":
      return v.values.length === 0;
    case "object":
      return v.hasDefault ? isEmpty(v.defaultValue ?? null) : v.properties.size === 0;
    default:
      return false;
  }
}

const CONTENT_TYPE = /^([a-z][\w.+-]*\/[\w.+-]+|geo)$/i;

export const miscFunctions: XFunction[] = [
  define("boolean", 1, 1, (env, [v]) => {
    const b = toBoolean(env, v);
    return b instanceof XError ? b : XBoolean.of(b);
  }),

  define("and", 1, Infinity, (env, args) => {
    let result = true;
    for (const a of args) {
      const b = toBoolean(env, a);
      if (b instanceof XError) return b;
      result &&= b;
    }
    return XBoolean.of(result);
  }),

  define("or", 1, Infinity, (env, args) => {
    let result = false;
    for (const a of args) {
      const b = toBoolean(env, a);
      if (b instanceof XError) return b;
      result ||= b;
    }
    return XBoolean.of(result);
  }),

  define(
    "if",
    3,
    3,
    (env, [test, yes, no]) => {
      const b = toBoolean(env, test);
      if (b instanceof XError) return b;
      return b ? yes : no;
    },
    { errorsAllowed: true },
  ),

  define("default", 2, 2, (_env, [v, fallback]) => (isEmpty(v) || (v !== null && v.kind === "error") ? fallback : v), {
    errorsAllowed: true,
  }),

  define("is_error", 1, 1, (_env, [v]) => XBoolean.of(v !== null && v.kind === "error"), { errorsAllowed: true }),

  define("format", 1, 1, (env, [v]) => text(format(env, v))),

  define("attachment_parts", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    if (s instanceof XError) return s;
    const colon = s.indexOf(":");
    const type = colon > 0 ? s.slice(0, colon) : "";
    if (!CONTENT_TYPE.test(type)) return obj({ content_type: text(""), url: text(s) });
    return obj({ content_type: text(type), url: text(s.slice(colon + 1)) });
  }),
];
