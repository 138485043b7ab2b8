import type { Environment } from "../environment";
import { XError, XFunction, err, type XValue } from "../values/types";

export type Body = (env: Environment, args: XValue[]) => XValue;

export interface Options {
  /** Receive error arguments instead of failing with the first one (is_error, default...). */
  errorsAllowed?: boolean;
}

function argCountError(name: string, min: number, max: number, got: number): XError {
  const need = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  return err(`${name}: need ${need} argument(s), got ${got}`);
}

/**
 * A built-in function: checks the argument count and, unless it handles them itself, fails with
 * the first argument that is an error, as goflow's functions do when converting their arguments.
 */
export function define(name: string, min: number, max: number, body: Body, options: Options = {}): XFunction {
  return new XFunction(name, (env, args) => {
    if (args.length < min || args.length > max) return argCountError(name, min, max, args.length);
    if (!options.errorsAllowed) {
      for (const a of args) if (a !== null && a.kind === "error") return a;
    }
    try {
      return body(env, args);
    } catch (e) {
      // the date library throws DateError for invalid input, which is just an error value here
      return err((e as Error).message);
    }
  });
}
