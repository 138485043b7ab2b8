// Excellent in the editor: what `@` can complete to, and the expressions that do not parse,
// checked with the engine's own parser as they are typed.
import { parseExpression, type Node as Expr } from "../../../durable/engine/excellent/parser";
import { closingParen } from "../../../durable/engine/excellent/template";
import { resultKey } from "../elements/splits/build";
import type { Definition } from "./model";

/** The context's top-level names and their properties (docs/engine.md, "The context"). */
export const CONTEXT: Record<string, string[]> = {
  contact: ["uuid", "id", "name", "first_name", "display", "language", "status", "timezone", "created_on", "last_seen_on", "urns", "urn", "groups", "fields", "channel"],
  fields: [],
  urns: ["tel", "whatsapp", "mailto", "telegram", "facebook", "ext"],
  results: [],
  input: ["uuid", "type", "channel", "created_on", "text", "attachments", "urn", "external_id"],
  run: ["uuid", "contact", "flow", "status", "results", "created_on", "exited_on"],
  child: ["uuid", "run", "contact", "flow", "fields", "urns", "results", "status"],
  parent: ["uuid", "run", "contact", "flow", "fields", "urns", "results", "status"],
  webhook: ["status", "json"],
  trigger: ["type", "params", "keyword", "user", "origin"],
  globals: [],
  node: ["uuid", "visit_count"],
  locals: [],
  vars: [],
  legacy_extra: [],
  ticket: ["uuid", "topic", "assignee", "note"],
};

/** Result keys the flow saves (routers, set_run_result, webhooks, tickets), the locals it sets and the variables it declares (`@vars`). */
export function flowNames(d: Definition): { results: string[]; locals: string[]; vars: string[] } {
  const results = new Set<string>();
  const locals = new Set<string>();
  for (const n of d.nodes) {
    if (n.router?.result_name) results.add(resultKey(n.router.result_name));
    for (const a of n.actions) {
      const x = a as { name?: string; result_name?: string; local?: string };
      if (a.type === "set_run_result" && x.name) results.add(resultKey(x.name));
      if (x.result_name) results.add(resultKey(x.result_name));
      if (a.type === "set_run_local" && x.local) locals.add(x.local);
    }
  }
  return { results: [...results].filter(Boolean).sort(), locals: [...locals].sort(), vars: (d.variables ?? []).map((v) => v.name) };
}

export type ExpressionProblem = { from: number; to: number; message: string };

/**
 * Every `@(...)` that does not parse, and every `@name` whose top-level name is not in the
 * context while it looks like it was meant to be (`@contcat.name`); an e-mail address stays text.
 */
export function checkTemplate(text: string, isFunction?: (name: string) => boolean): ExpressionProblem[] {
  const out: ExpressionProblem[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== "@") continue;
    const next = text[i + 1];
    if (next === "@") {
      i++;
    } else if (next === "(") {
      const end = closingParen(text, i + 2);
      if (end < 0) {
        out.push({ from: i, to: text.length, message: "this @( is never closed" });
        break;
      }
      try {
        const unknown = isFunction ? unknownFunctions(parseExpression(text.slice(i + 2, end)), isFunction) : [];
        if (unknown.length) out.push({ from: i, to: end + 1, message: `unknown function ${unknown.join(", ")}` });
      } catch (e) {
        out.push({ from: i, to: end + 1, message: `syntax error: ${(e as Error).message}` });
      }
      i = end;
    } else if (next && /[a-z_]/i.test(next) && (i === 0 || !/[\w.]/.test(text[i - 1]))) {
      const m = /^[a-z_][\w]*(\.[\w]+)*/i.exec(text.slice(i + 1))!;
      const top = m[0].split(".")[0].toLowerCase();
      if (!(top in CONTEXT) && m[0].includes(".")) out.push({ from: i, to: i + 1 + m[0].length, message: `@${top} is not in the context (did you mean ${suggest(top)}?)` });
      i += m[0].length;
    }
  }
  return out;
}

function suggest(top: string): string {
  const names = Object.keys(CONTEXT);
  const score = (a: string) => [...a].filter((c) => top.includes(c)).length - Math.abs(a.length - top.length);
  return `@${names.sort((a, b) => score(b) - score(a))[0]}`;
}

/** Names called as functions that are neither Excellent functions nor lambda parameters. */
function unknownFunctions(node: Expr, isFunction: (name: string) => boolean, params: Set<string> = new Set()): string[] {
  switch (node.type) {
    case "call": {
      const own = node.callee.type === "ref" && !params.has(node.callee.name.toLowerCase()) && !isFunction(node.callee.name.toLowerCase()) ? [node.callee.name] : [];
      return [...own, ...(node.callee.type === "ref" ? [] : unknownFunctions(node.callee, isFunction, params)), ...node.args.flatMap((a) => unknownFunctions(a, isFunction, params))];
    }
    case "lambda":
      return unknownFunctions(node.body, isFunction, new Set([...params, ...node.params.map((p) => p.toLowerCase())]));
    case "dot":
      return unknownFunctions(node.container, isFunction, params);
    case "index":
      return [...unknownFunctions(node.container, isFunction, params), ...unknownFunctions(node.index, isFunction, params)];
    case "negate":
      return unknownFunctions(node.operand, isFunction, params);
    case "binary":
      return [...unknownFunctions(node.left, isFunction, params), ...unknownFunctions(node.right, isFunction, params)];
    default:
      return [];
  }
}
