import type { Environment } from "../environment";
import { XError, XObject, err, type XValue } from "../values/types";
import { dateTests } from "./dates";
import { locationTests } from "./locations";
import { numberTests } from "./numbers";
import { textTests } from "./text";
import { valueTests } from "./values";

/** Every router test; each is also callable as a function in expressions (`@(has_text(x))`). */
export const routerTests = [...textTests, ...numberTests, ...dateTests, ...valueTests, ...locationTests];

const byName = new Map(routerTests.map((t) => [t.name, t]));

export function isRouterTest(name: string): boolean {
  return byName.has(name);
}

/**
 * Runs a switch router case: `test(operand, ...args)`. A match gives its `match` and, when the
 * test provides one, `extra`; no match gives null; bad arguments give an XError.
 */
export function runRouterTest(
  env: Environment,
  _context: XObject,
  test: string,
  operand: XValue,
  args: XValue[],
): { match: XValue; extra?: XValue } | null | XError {
  const fn = byName.get(test.toLowerCase());
  if (!fn) return err(`unknown router test ${test}`);
  const result = fn.call(env, [operand, ...args]);
  if (result === null) return null;
  if (result.kind === "error") return result;
  if (result.kind !== "object") return null;
  const extra = result.get("extra");
  return extra === null || extra === undefined ? { match: result.get("match") ?? null } : { match: result.get("match") ?? null, extra };
}
