import type { Environment } from "./environment";
import { compileExpression, contextScope, type Compiled } from "./evaluate";
import { toText } from "./values/convert";
import { XError, XObject, err, text, type XValue } from "./values/types";

/**
 * A template split into literal text and expressions. `@name.path` is only an expression when
 * `name` is a top-level key of the context it is evaluated against (so `foo@bar.com` stays text);
 * that is decided at evaluation, so the parse can be cached by template text alone.
 */
type Part =
  | { kind: "body"; text: string }
  | { kind: "ident"; source: string; top: string; compiled: Compiled }
  | { kind: "expr"; source: string; compiled: Compiled };

const CACHE_LIMIT = 2000;
const cache = new Map<string, Part[]>();

function parts(template: string): Part[] {
  let p = cache.get(template);
  if (p === undefined) {
    p = scan(template);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(template, p);
  }
  return p;
}

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_.]/u;

function scan(template: string): Part[] {
  const out: Part[] = [];
  let body = "";
  const flush = () => {
    if (body !== "") out.push({ kind: "body", text: body });
    body = "";
  };
  let i = 0;
  const n = template.length;
  while (i < n) {
    const c = template[i];
    if (c !== "@") {
      body += c;
      i++;
      continue;
    }
    const next = template[i + 1];
    if (next === "@") {
      body += "@";
      i += 2;
    } else if (next === "(") {
      const end = closingParen(template, i + 2);
      if (end < 0) {
        // never closed: goflow leaves it as text
        body += template.slice(i);
        break;
      }
      flush();
      out.push(expressionPart(template.slice(i + 2, end)));
      i = end + 1;
    } else if (next !== undefined && IDENT_START.test(String.fromCodePoint(template.codePointAt(i + 1)!))) {
      let j = i + 1;
      while (j < n) {
        const ch = String.fromCodePoint(template.codePointAt(j)!);
        if (!IDENT_PART.test(ch)) break;
        j += ch.length;
      }
      // a sentence-ending period is not part of the identifier
      while (template[j - 1] === ".") j--;
      const source = template.slice(i + 1, j);
      flush();
      out.push(identPart(source));
      i = j;
    } else {
      body += "@";
      i++;
    }
  }
  flush();
  return out;
}

/** Index of the `)` closing an `@(` whose body starts at `from`, skipping text literals; -1 if none. */
export function closingParen(s: string, from: number): number {
  let depth = 1;
  let inText = false;
  for (let j = from; j < s.length; j++) {
    const ch = s[j];
    if (inText) {
      if (ch === "\\") j++;
      else if (ch === '"') inText = false;
    } else if (ch === '"') inText = true;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) return j;
  }
  return -1;
}

/** Compiles an expression; one that doesn't parse evaluates to its syntax error. */
function compileOrError(source: string): Compiled {
  try {
    return compileExpression(source);
  } catch (e) {
    const message = `syntax error: ${(e as Error).message}`;
    return () => err(message);
  }
}

function expressionPart(source: string): Part {
  return { kind: "expr", source, compiled: compileOrError(source) };
}

function identPart(source: string): Part {
  return { kind: "ident", source, top: source.split(".")[0].toLowerCase(), compiled: compileOrError(source) };
}

function isExpression(part: Part, context: XObject): part is Exclude<Part, { kind: "body" }> {
  return part.kind === "expr" || (part.kind === "ident" && context.properties.has(part.top));
}

function describePart(part: Exclude<Part, { kind: "body" }>): string {
  return part.kind === "expr" ? `@(${part.source})` : `@${part.source}`;
}

function literal(part: Part): string {
  return part.kind === "body" ? part.text : describePart(part);
}

/**
 * Renders a template: each expression's value as text, errors collected (their expression renders
 * empty). `escape` is applied to each expression's output (e.g. URL-encoding in webhook URLs).
 */
export function evaluateTemplate(
  template: string,
  context: XObject,
  env: Environment,
  escape?: (s: string) => string,
): { output: string; errors: string[] } {
  if (!template.includes("@")) return { output: template, errors: [] };
  let output = "";
  const errors: string[] = [];
  const scope = contextScope(context);
  for (const part of parts(template)) {
    if (!isExpression(part, context)) {
      output += literal(part);
      continue;
    }
    const value = part.compiled(env, scope);
    const s = toText(env, value);
    if (s instanceof XError) errors.push(`error evaluating ${describePart(part)}: ${s.message}`);
    else output += escape ? escape(s) : s;
  }
  return { output, errors };
}

/**
 * goflow's EvaluateTemplateValue: a template that is just one expression (`@contact`,
 * `@(array(1, 2))`, surrounding spaces ignored) gives that expression's typed value, which is an
 * XError if evaluation failed; any other template gives its rendered text.
 */
export function evaluateTemplateValue(template: string, context: XObject, env: Environment): { value: XValue; errors: string[] } {
  const trimmed = template.trim();
  const ps = parts(trimmed);
  if (ps.length === 1 && isExpression(ps[0], context)) {
    const value = ps[0].compiled(env, contextScope(context));
    const errors = value !== null && value.kind === "error" ? [`error evaluating ${describePart(ps[0])}: ${value.message}`] : [];
    return { value, errors };
  }
  const { output, errors } = evaluateTemplate(template, context, env);
  return { value: text(output), errors };
}

const expressionCache = new Map<string, Compiled>();

/** Evaluates a bare expression (no `@`), e.g. a router operand; the result may be an XError. */
export function evaluateExpression(expression: string, context: XObject, env: Environment): XValue {
  let compiled = expressionCache.get(expression);
  if (compiled === undefined) {
    compiled = compileOrError(expression);
    if (expressionCache.size >= CACHE_LIMIT) expressionCache.delete(expressionCache.keys().next().value as string);
    expressionCache.set(expression, compiled);
  }
  return compiled(env, contextScope(context));
}
