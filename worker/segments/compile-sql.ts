// Compiles a checked query to a WHERE clause over `contacts` (see worker/db/schema.ts). Every value,
// field path included, is a bound parameter; the SQL text comes only from this file.
//
// Every condition compiles to an expression that is 0 or 1, never NULL, so NOT of it is its
// complement: `NOT age > 18` includes contacts without an age, as match.ts does.

import type { CheckedNode, Target, Test } from "./check";
import { SegmentError, type Span } from "./parse";

/** D1 binds at most 100 parameters per statement. */
export const D1_MAX_PARAMS = 100;

export interface CompiledSql {
  /** For `SELECT ... FROM contacts WHERE <where>`; parameters are numbered ?1..?n. */
  where: string;
  params: (string | number)[];
}

export interface CompileOptions {
  /** The most parameters the query may use; lower it to leave room for the caller's own. Default 100. */
  maxParams?: number;
}

class Params {
  readonly values: (string | number)[] = [];
  private readonly numbers = new Map<string, number>();
  constructor(private readonly max: number) {}

  /** A placeholder for the value; a value used twice (a field's path) is bound once. */
  bind(value: string | number, at: Span): string {
    const key = `${typeof value}:${value}`;
    let n = this.numbers.get(key);
    if (n === undefined) {
      if (this.values.length >= this.max)
        throw new SegmentError(`the query needs more than ${this.max} values, the most one query can use; split it or put the contacts in a group`, at.start, at.end);
      this.values.push(value);
      n = this.values.length;
      this.numbers.set(key, n);
    }
    return `?${n}`;
  }
}

const likeContains = (text: string) => "%" + text.replace(/[\\%_]/g, (ch) => "\\" + ch) + "%";

const SQL_OPERATORS = { "=": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=" } as const;

/** A test on a single value `expr`, which may be NULL; `guard` (0 or 1, never NULL) says it has the test's type. */
function scalarTest(expr: string, guard: string, test: Test, p: Params, at: Span): string {
  switch (test.kind) {
    case "set":
      return `(coalesce(${expr}, '') ${test.set ? "!=" : "="} '')`;
    case "text":
    case "exact": {
      if (test.op === "~") return `(${guard} AND lower(${expr}) LIKE ${p.bind(likeContains(test.text), at)} ESCAPE '\\')`;
      const equal = `(${guard} AND lower(${expr}) = ${p.bind(test.text, at)})`;
      return test.op === "=" ? equal : `NOT ${equal}`;
    }
    case "number":
      if (test.op === "!=") return `NOT (${guard} AND ${expr} = ${p.bind(test.number, at)})`;
      return `(${guard} AND ${expr} ${SQL_OPERATORS[test.op]} ${p.bind(test.number, at)})`;
    case "day": {
      const from = () => p.bind(test.from, at);
      const to = () => p.bind(test.to, at);
      switch (test.op) {
        case "=":
          return `(${guard} AND ${expr} >= ${from()} AND ${expr} < ${to()})`;
        case "!=":
          return `NOT (${guard} AND ${expr} >= ${from()} AND ${expr} < ${to()})`;
        case "<":
          return `(${guard} AND ${expr} < ${from()})`;
        case "<=":
          return `(${guard} AND ${expr} < ${to()})`;
        case ">":
          return `(${guard} AND ${expr} >= ${to()})`;
        case ">=":
          return `(${guard} AND ${expr} >= ${from()})`;
      }
    }
  }
}

/**
 * A test on a contact's URNs or groups (the rows `from` selects, each with a non-NULL `expr`):
 * `=` and `~` hold when one of them passes, `!=` when none equals, `= ""` when there are none.
 */
function anyOf(from: string, expr: string, test: Test, p: Params, at: Span): string {
  if (test.kind === "set") return `${test.set ? "" : "NOT "}EXISTS (SELECT 1 FROM ${from})`;
  if (test.kind !== "text" && test.kind !== "exact") throw new Error(`URNs and groups have no ${test.kind} tests`);
  const passes = scalarTest(expr, "1", test.op === "!=" ? { ...test, op: "=" } : test, p, at);
  return `${test.op === "!=" ? "NOT " : ""}EXISTS (SELECT 1 FROM ${from} AND ${passes})`;
}

function condition(target: Target, test: Test, p: Params, at: Span): string {
  switch (target.kind) {
    case "column":
      // column names come from the fixed list in check.ts, never from the query text
      return scalarTest(`contacts.${target.column}`, `contacts.${target.column} IS NOT NULL`, test, p, at);
    case "field": {
      const path = p.bind(`$.${target.key}`, at);
      // json_type is NULL for a missing key; coalesce keeps the guard 0 or 1
      const type = `coalesce(json_type(contacts.fields, ${path}), '')`;
      return scalarTest(`json_extract(contacts.fields, ${path})`, target.type === "number" ? `${type} IN ('integer', 'real')` : `${type} = 'text'`, test, p, at);
    }
    case "urn": {
      const scheme = target.scheme === null ? "" : ` AND u.scheme = ${p.bind(target.scheme, at)}`;
      return anyOf(`contact_urns u WHERE u.contact_uuid = contacts.uuid${scheme}`, "u.path", test, p, at);
    }
    case "group":
      return anyOf("group_members gm JOIN groups g ON g.uuid = gm.group_uuid WHERE gm.contact_uuid = contacts.uuid", "g.name", test, p, at);
  }
}

/** `a OR b OR c OR d` as `((a OR b) OR (c OR d))`: SQLite (and so D1) allows expressions only 100 deep. */
function balanced(parts: string[], operator: "AND" | "OR"): string {
  if (parts.length === 1) return parts[0];
  const half = Math.ceil(parts.length / 2);
  return `(${balanced(parts.slice(0, half), operator)} ${operator} ${balanced(parts.slice(half), operator)})`;
}

function compileNode(node: CheckedNode, p: Params): string {
  switch (node.kind) {
    case "and":
    case "or":
      return balanced(node.children.map((c) => compileNode(c, p)), node.kind === "and" ? "AND" : "OR");
    case "not":
      return `NOT ${compileNode(node.child, p)}`;
    case "condition":
      return condition(node.target, node.test, p, node.span);
  }
}

/**
 * The WHERE clause of a checked query over the `contacts` table, unaliased. Throws SegmentError
 * when the query needs more bound values than D1 allows (`maxParams`).
 */
export function compileSql(tree: CheckedNode, options: CompileOptions = {}): CompiledSql {
  const p = new Params(options.maxParams ?? D1_MAX_PARAMS);
  return { where: compileNode(tree, p), params: p.values };
}
