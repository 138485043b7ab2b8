import type { Scope } from "../actions/base";
import { error } from "../events/diagnostics";
import { fromJSON, isError, runRouterTest, toJSON, toText, type XValue } from "../excellent";
import type { SwitchRouter } from "../flow/schema";
import type { Routed } from "./index";

function jsonOf(v: XValue | undefined): unknown {
  if (v === undefined || v === null) return undefined;
  return JSON.parse(toJSON(v));
}

/**
 * Evaluates the operand, then each case's test with its (localized, evaluated) arguments, in order;
 * the first match picks its category and gives the result its value and extra. No match: the
 * default category, with the operand's text as the value.
 */
export function routeSwitch(router: SwitchRouter, s: Scope): Routed {
  const operand = s.value(router.operand);
  const input = operand === null || isError(operand) ? "" : toText(operand, s.env);
  for (const c of router.cases) {
    const args = s.localized(c.uuid, "arguments", c.arguments).values.map((a) => fromJSON(s.text(a)));
    const result = runRouterTest(s.env, s.context(), c.type, operand, args);
    if (result === null) continue;
    if (isError(result as XValue)) {
      s.log(error(`error calling test ${c.type}: ${(result as { message?: string }).message ?? "failed"}`, "router_test"));
      continue;
    }
    const { match, extra } = result as { match: XValue; extra?: XValue };
    return { categoryUUID: c.category_uuid, value: toText(match, s.env), input, extra: jsonOf(extra) };
  }
  if (router.default_category_uuid) return { categoryUUID: router.default_category_uuid, value: input, input };
  return { fail: `no case of the router on node ${s.node.uuid} matched '${input}' and it has no default category` };
}
