import type { Environment } from "./environment";
import { lookupFunction } from "./functions/registry";
import { parseExpression, type Node } from "./parser";
import { equalsText, numericOp, compareNumbers } from "./operators";
import { Decimal } from "./values/number";
import { toInteger, toNumber, toText } from "./values/convert";
import { render } from "./values/render";
import { XArray, XBoolean, XError, XFunction, XNumber, XObject, describe, err, isError, text, type XValue } from "./values/types";

/** Names visible to an expression: anonymous function parameters, then the context, then the functions. */
export interface Scope {
  lookup(name: string): XValue | undefined;
}

export function contextScope(context: XObject): Scope {
  return {
    lookup(name) {
      const v = context.get(name);
      return v !== undefined ? v : lookupFunction(name);
    },
  };
}

class ParamScope implements Scope {
  constructor(
    private readonly names: string[],
    private readonly values: XValue[],
    private readonly parent: Scope,
  ) {}
  lookup(name: string): XValue | undefined {
    const i = this.names.indexOf(name);
    return i >= 0 ? (this.values[i] ?? null) : this.parent.lookup(name);
  }
}

export type Compiled = (env: Environment, scope: Scope) => XValue;

/** Parses and compiles an expression into a closure; throws the parser's ParseError. */
export function compileExpression(src: string): Compiled {
  return compile(parseExpression(src));
}

function compile(node: Node): Compiled {
  switch (node.type) {
    case "text": {
      const v = text(node.value);
      return () => v;
    }
    case "number": {
      const v = new XNumber(new Decimal(node.value));
      return () => v;
    }
    case "boolean": {
      const v = XBoolean.of(node.value);
      return () => v;
    }
    case "null":
      return () => null;
    case "ref": {
      const name = node.name;
      return (_env, scope) => {
        const v = scope.lookup(name);
        return v === undefined ? err(`context has no property '${name}'`) : v;
      };
    }
    case "dot": {
      const container = compile(node.container);
      const key = node.key;
      return (env, scope) => lookupKey(container(env, scope), key);
    }
    case "index": {
      const container = compile(node.container);
      const index = compile(node.index);
      return (env, scope) => lookupIndex(env, container(env, scope), index(env, scope));
    }
    case "call": {
      const callee = compile(node.callee);
      const args = node.args.map(compile);
      return (env, scope) => {
        const fn = callee(env, scope);
        if (isError(fn)) return fn;
        if (fn === null || fn.kind !== "function") return err(`${describe(fn)} is not a function`);
        return fn.call(
          env,
          args.map((a) => a(env, scope)),
        );
      };
    }
    case "lambda": {
      const params = node.params;
      const body = compile(node.body);
      return (_env, scope) => new XFunction("", (env, args) => body(env, new ParamScope(params, args, scope)));
    }
    case "negate": {
      const operand = compile(node.operand);
      return (env, scope) => {
        const n = toNumber(env, operand(env, scope));
        return n instanceof XError ? n : new XNumber(n.neg());
      };
    }
    case "binary": {
      const left = compile(node.left);
      const right = compile(node.right);
      switch (node.op) {
        case "&":
          return (env, scope) => {
            const l = toText(env, left(env, scope));
            if (l instanceof XError) return l;
            const r = toText(env, right(env, scope));
            return r instanceof XError ? r : text(l + r);
          };
        case "=":
        case "!=": {
          const negate = node.op === "!=";
          return (env, scope) => {
            const eq = equalsText(env, left(env, scope), right(env, scope));
            return eq instanceof XError ? eq : XBoolean.of(eq !== negate);
          };
        }
        case "<":
        case "<=":
        case ">":
        case ">=": {
          const op = node.op;
          return (env, scope) => compareNumbers(env, op, left(env, scope), right(env, scope));
        }
        default: {
          const op = node.op;
          return (env, scope) => numericOp(env, op, left(env, scope), right(env, scope));
        }
      }
    }
  }
}

/** `container.key`: an object property, or an array item when the key is a number. */
export function lookupKey(container: XValue, key: string): XValue {
  if (isError(container)) return container;
  if (container !== null && container.kind === "object") {
    const v = container.get(key);
    return v === undefined ? err(`object has no property '${key}'`) : v;
  }
  if (container !== null && container.kind === "array" && /^\d+$/.test(key)) return arrayItem(container, Number(key));
  return err(`${describe(container)} has no property '${key}'`);
}

function lookupIndex(env: Environment, container: XValue, index: XValue): XValue {
  if (isError(container)) return container;
  if (isError(index)) return index;
  if (container !== null && container.kind === "array") {
    const i = toInteger(env, index);
    return i instanceof XError ? i : arrayItem(container, i);
  }
  if (container !== null && container.kind === "object") {
    const key = toText(env, index);
    return key instanceof XError ? key : lookupKey(container, key);
  }
  return err(`${describe(container)} is not indexable with ${render(index)}`);
}

function arrayItem(a: XArray, i: number): XValue {
  const n = a.values.length;
  const j = i < 0 ? n + i : i;
  if (j < 0 || j >= n) return err(`index ${i} out of range for ${n} items`);
  return a.values[j];
}
