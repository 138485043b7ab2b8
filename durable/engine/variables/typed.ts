import { fromJSON, toJSON, XArray, XBoolean, XDate, XDateTime, XError, XNumber, XText, type Environment, type XValue } from "../excellent";
import { toDate, toDateTime } from "../excellent/values/convert";
import { Decimal } from "../excellent/values/number";
import { render } from "../excellent/values/render";
import { describe } from "../excellent/values/types";
import type { VariableType } from "../flow/schema";

/**
 * A variable's value as the run keeps it (plain JSON, readable in a session): a boolean, text, a
 * number, a date as `YYYY-MM-DD`, a date-time as RFC 3339, a list; null when empty.
 */
export type StoredValue = boolean | string | number | StoredValue[] | { [key: string]: StoredValue } | null;

const DECIMAL = /^-?(\d+(\.\d+)?|\.\d+)$/;

/** What a value becomes in a variable of the type, or why it does not fit: never a silent coercion. */
export function typedValue(type: VariableType, v: XValue, env: Environment): { value: StoredValue } | { error: string } {
  if (v !== null && v.kind === "error") return { error: v.message };
  // An object with a default (`@contact`, `@results.x`) stands for its default, as everywhere in Excellent.
  if (v !== null && v.kind === "object" && v.hasDefault) return typedValue(type, v.defaultValue ?? null, env);
  if (v === null) return { value: null };
  const isText = v.kind === "text";
  const textValue = isText ? v.value.trim() : "";
  if (type === "text") {
    if (v.kind === "array" || v.kind === "object" || v.kind === "function") return { error: `${describe(v)} is not text` };
    return { value: render(v) };
  }
  // Empty text empties a variable of any other type.
  if (isText && textValue === "") return { value: null };
  const refuse = () => ({ error: `${describe(v)} is not ${ARTICLE[type]}` });
  switch (type) {
    case "boolean":
      if (v.kind === "boolean") return { value: v.value };
      if (isText && /^(true|false)$/i.test(textValue)) return { value: textValue.toLowerCase() === "true" };
      return refuse();
    case "decimal":
    case "integer": {
      const d = v.kind === "number" ? v.value : isText && DECIMAL.test(textValue) ? new Decimal(textValue) : null;
      if (!d) return refuse();
      if (type === "integer" && !d.isInteger()) return refuse();
      return { value: d.toNumber() };
    }
    case "date": {
      if (v.kind !== "date" && v.kind !== "datetime" && !isText) return refuse();
      const d = toDate(env, v);
      return d instanceof XError ? refuse() : { value: JSON.parse(toJSON(new XDate(d))) };
    }
    case "datetime": {
      if (v.kind !== "date" && v.kind !== "datetime" && !isText) return refuse();
      const dt = toDateTime(env, v);
      return dt instanceof XError ? refuse() : { value: JSON.parse(toJSON(new XDateTime(dt))) };
    }
    case "list": {
      if (v.kind === "array") return { value: JSON.parse(toJSON(v)) };
      if (isText && textValue.startsWith("[")) {
        try {
          const parsed: unknown = JSON.parse(textValue);
          if (Array.isArray(parsed)) return { value: parsed as StoredValue[] };
        } catch {
          // not JSON: refused below
        }
      }
      return refuse();
    }
  }
}

const ARTICLE: Record<VariableType, string> = {
  boolean: "true or false",
  text: "text",
  decimal: "a number",
  integer: "a whole number",
  date: "a date",
  datetime: "a date-time",
  list: "a list",
};

/** A kept value back as an Excellent value of its type, for `@vars`. */
export function variableXValue(type: VariableType, stored: StoredValue | undefined, env: Environment): XValue {
  if (stored === null || stored === undefined) return null;
  switch (type) {
    case "boolean":
      return typeof stored === "boolean" ? XBoolean.of(stored) : null;
    case "decimal":
    case "integer":
      return typeof stored === "number" ? new XNumber(new Decimal(stored)) : null;
    case "date": {
      const d = toDate(env, new XText(String(stored)));
      return d instanceof XError ? null : new XDate(d);
    }
    case "datetime": {
      const dt = toDateTime(env, new XText(String(stored)));
      return dt instanceof XError ? null : new XDateTime(dt);
    }
    case "list":
      return Array.isArray(stored) ? (fromJSON(stored) as XArray) : null;
    default:
      return new XText(String(stored));
  }
}
