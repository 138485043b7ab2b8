import { dateTimeLayout, formatDate, formatDateTime, formatTime } from "../dates";
import type { Environment } from "../environment";
import { decimalToString, formatDecimal } from "./number";
import type { XValue } from "./types";

/**
 * goflow's Render: how a value appears in a template (`[a, b]`, `{a: 1, b: x}` with sorted keys, an
 * object as its default value, ISO dates).
 */
export function render(v: XValue): string {
  if (v === null) return "";
  switch (v.kind) {
    case "text":
      return v.value;
    case "number":
      return decimalToString(v.value);
    case "boolean":
      return v.value ? "true" : "false";
    case "date":
    case "datetime":
    case "time":
      return v.value.toString();
    case "array":
      return "[" + v.values.map(render).join(", ") + "]";
    case "object":
      if (v.hasDefault) return render(v.defaultValue ?? null);
      return "{" + v.sortedKeys().map((k) => `${k}: ${render(v.properties.get(k) ?? null)}`).join(", ") + "}";
    case "function":
      return v.name;
    case "error":
      return v.message;
  }
}

/** goflow's Format: how a value reads for people in the environment (`format()`). */
export function format(env: Environment, v: XValue): string {
  if (v === null) return "";
  switch (v.kind) {
    case "number":
      return formatDecimal(v.value, env.number_format);
    case "date":
      return formatDate(v.value, env.date_format);
    case "datetime":
      return formatDateTime(v.value.inZone(env.timezone), dateTimeLayout(env.date_format, env.time_format));
    case "time":
      return formatTime(v.value, env.time_format);
    case "array":
      return v.values.map((x) => format(env, x)).join(", ");
    case "object":
      if (v.hasDefault) return format(env, v.defaultValue ?? null);
      return v
        .sortedKeys()
        .map((k) => `${k}: ${format(env, v.properties.get(k) ?? null)}`)
        .join("\n");
    default:
      return render(v);
  }
}
