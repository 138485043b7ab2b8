import { findPhoneNumbersInText, isSupportedCountry, type CountryCode } from "libphonenumber-js/max";
import { toArray } from "../functions/arrays";
import { define } from "../functions/define";
import { toObject } from "../functions/objects";
import { toNumber, toText } from "../values/convert";
import { XError, XFunction, XObject, err, text, type XValue } from "../values/types";
import { FALSE, trueResult } from "./result";

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/u;

function prop(o: XObject, key: string): XValue {
  return o.get(key) ?? null;
}

function textProp(o: XObject, key: string): string {
  const v = prop(o, key);
  return v !== null && v.kind === "text" ? v.value : "";
}

/** Classifier results keep NLU output in `extra`: `{intents: [{name, confidence}], entities: {name: [{value, confidence}]}}`. */
function intentTest(name: string, topOnly: boolean): XFunction {
  return define(name, 3, 3, (env, [r, n, c]) => {
    const result = toObject(r);
    if (result instanceof XError) return result;
    const wanted = toText(env, n);
    if (wanted instanceof XError) return wanted;
    const threshold = toNumber(env, c);
    if (threshold instanceof XError) return threshold;
    const extra = prop(result, "extra");
    if (extra === null || extra.kind !== "object") return FALSE;
    const intentsValue = prop(extra, "intents");
    if (intentsValue === null || intentsValue.kind !== "array") return FALSE;
    const intents = topOnly ? intentsValue.values.slice(0, 1) : intentsValue.values;
    for (const intent of intents) {
      if (intent === null || intent.kind !== "object") continue;
      const confidence = toNumber(env, prop(intent, "confidence"));
      const confident = !(confidence instanceof XError) && confidence.gte(threshold);
      if (textProp(intent, "name").toLowerCase() === wanted.toLowerCase() && confident) {
        return trueResult(text(textProp(intent, "name")), entitiesOf(extra));
      }
    }
    return FALSE;
  });
}

/** The most likely value of each entity. */
function entitiesOf(extra: XObject): XObject {
  const entities = prop(extra, "entities");
  const out = new Map<string, XValue>();
  if (entities !== null && entities.kind === "object") {
    for (const [name, list] of entities.properties) {
      const first = list !== null && list.kind === "array" ? list.values[0] : null;
      if (first !== null && first !== undefined && first.kind === "object") out.set(name, prop(first, "value"));
    }
  }
  return new XObject(out);
}

export const valueTests: XFunction[] = [
  define("has_error", 1, 1, (_env, [v]) => (v !== null && v.kind === "error" ? trueResult(text(v.message)) : FALSE), {
    errorsAllowed: true,
  }),

  define(
    "has_value",
    1,
    1,
    (_env, [v]) => (v === null || v.kind === "error" || (v.kind === "text" && v.value === "") ? FALSE : trueResult(v)),
    { errorsAllowed: true },
  ),

  define("has_email", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    if (s instanceof XError) return s;
    const m = EMAIL.exec(s);
    return m ? trueResult(text(m[0].replace(/\.+$/, ""))) : FALSE;
  }),

  // a phone number in the text, read as local to the country given (or the environment's)
  define("has_phone", 1, 2, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const country = args.length > 1 ? toText(env, args[1]) : (env.default_country ?? "");
    if (country instanceof XError) return country;
    const code = country.toUpperCase();
    if (code !== "" && !isSupportedCountry(code)) return err(`${country} is not a valid country code`);
    const found = findPhoneNumbersInText(s, code ? { defaultCountry: code as CountryCode } : undefined);
    return found.length ? trueResult(text(found[0].number.number)) : FALSE;
  }),

  // has_group(groups, group_uuid [, group_name]): one of the contact's groups by UUID
  define("has_group", 2, 3, (env, [g, u]) => {
    const groups = toArray(g);
    if (groups instanceof XError) return groups;
    const uuid = toText(env, u);
    if (uuid instanceof XError) return uuid;
    for (const group of groups.values) {
      if (group !== null && group.kind === "object" && textProp(group, "uuid").toLowerCase() === uuid.toLowerCase()) {
        return trueResult(group);
      }
    }
    return FALSE;
  }),

  define("has_category", 1, Infinity, (env, [r, ...categories]) => {
    const result = toObject(r);
    if (result instanceof XError) return result;
    const category = textProp(result, "category");
    for (const c of categories) {
      const name = toText(env, c);
      if (name instanceof XError) return name;
      if (name.toLowerCase() === category.toLowerCase()) return trueResult(text(category));
    }
    return FALSE;
  }),

  intentTest("has_intent", false),
  intentTest("has_top_intent", true),
];
