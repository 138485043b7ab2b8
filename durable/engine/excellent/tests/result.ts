import { XBoolean, XObject, type XValue } from "../values/types";

/**
 * goflow's test results: a match is an object `{match, extra}` whose default is true (so
 * `@(has_text("x"))` renders "true"); no match is plain false.
 */
export function trueResult(match: XValue, extra: XObject | null = null): XObject {
  return new XObject(
    new Map<string, XValue>([
      ["match", match],
      ["extra", extra],
    ]),
    XBoolean.TRUE,
  );
}

export const FALSE = XBoolean.FALSE;
