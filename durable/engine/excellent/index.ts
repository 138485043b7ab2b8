// The Excellent template language (goflow's `excellent` package): values, expressions, templates,
// every documented function and router test. Pure TypeScript; no I/O.

import type { Environment } from "./environment";
import { toJSON as jsonOf } from "./values/json";
import { render } from "./values/render";
import type { XValue } from "./values/types";

export type { Environment, NumberFormat } from "./environment";
export { defaultEnvironment } from "./environment";
export type { LocationHierarchy, LocationNode } from "./locations";
export { SAMPLE_LOCATIONS } from "./sample-locations";
export type { XValue } from "./values/types";
export { XArray, XBoolean, XDate, XDateTime, XError, XFunction, XNumber, XObject, XText, XTime } from "./values/types";
export { fromJSON, parseJSON } from "./values/json";
export { evaluateTemplate, evaluateTemplateValue, evaluateExpression } from "./template";
export { runRouterTest, isRouterTest } from "./tests";
export { functionNames } from "./functions/registry";
export { toBoolean, toNumber, toDateTime } from "./values/convert";
export { format } from "./values/render";
export { urlEncode } from "./functions/text";

/** How a value renders in a template (an error renders as its message). */
export function toText(v: XValue, _env: Environment): string {
  return render(v);
}

/** goflow's JSON of a value: keys sorted, `{"bar":"x","foo":1}`. */
export function toJSON(v: XValue): string {
  return jsonOf(v);
}

export function isError(v: XValue): boolean {
  return v !== null && v.kind === "error";
}
