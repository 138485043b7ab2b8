// The segment query language: `age >= 18 AND district = "Gasabo"`, `(a OR b) AND NOT c`.
// query := or;  or := and (OR and)*;  and := not (AND not)*;  not := NOT not | '(' or ')' | condition
// condition := name operator value;  value := "quoted" | unquoted

/** A problem in a query, with the 0-based character range [start, end) it is about. */
export class SegmentError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
    this.name = "SegmentError";
  }
}

export const OPERATORS = ["=", "!=", "~", "<", "<=", ">", ">="] as const;
export type Operator = (typeof OPERATORS)[number];

export interface Span {
  start: number;
  end: number;
}

export type SegmentNode =
  | ({ kind: "and" | "or"; children: SegmentNode[] } & Span)
  | ({ kind: "not"; child: SegmentNode } & Span)
  | ConditionNode;

export interface ConditionNode extends Span {
  kind: "condition";
  /** As written, e.g. `age` or `fields.age`. */
  name: string;
  nameSpan: Span;
  operator: Operator;
  operatorSpan: Span;
  /** Unquoted, escapes resolved. */
  value: string;
  valueSpan: Span;
}

type Token = Span & ({ type: "(" | ")" | "end" } | { type: "operator"; text: Operator } | { type: "word" | "string"; text: string });

const MAX_LENGTH = 10_000;
// Each parenthesis and NOT is a level of recursion here and of expression depth in the compiled SQL,
// which SQLite caps at 100 (compile-sql.ts keeps AND and OR lists shallow).
const MAX_DEPTH = 20;

function lex(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "(" || ch === ")") {
      tokens.push({ type: ch, start: i, end: i + 1 });
      i++;
    } else if ("=!<>~".includes(ch)) {
      let j = i;
      while (j < query.length && "=!<>~".includes(query[j])) j++;
      const text = query.slice(i, j);
      if (!(OPERATORS as readonly string[]).includes(text)) throw new SegmentError(`unknown operator '${text}' (use one of ${OPERATORS.join(" ")})`, i, j);
      tokens.push({ type: "operator", text: text as Operator, start: i, end: j });
      i = j;
    } else if (ch === '"') {
      let text = "";
      let j = i + 1;
      for (; j < query.length && query[j] !== '"'; j++) {
        // a backslash escapes the next character: "say \"hi\"", "C:\\"
        if (query[j] === "\\" && j + 1 < query.length) j++;
        text += query[j];
      }
      if (j >= query.length) throw new SegmentError("unclosed quote", i, query.length);
      tokens.push({ type: "string", text, start: i, end: j + 1 });
      i = j + 1;
    } else {
      let j = i;
      while (j < query.length && !/[\s()"=!<>~]/.test(query[j])) j++;
      tokens.push({ type: "word", text: query.slice(i, j), start: i, end: j });
      i = j;
    }
  }
  tokens.push({ type: "end", start: query.length, end: query.length });
  return tokens;
}

const describeToken = (t: Token) => (t.type === "end" ? "the end of the query" : t.type === "string" ? `"${t.text}"` : `'${"text" in t ? t.text : t.type}'`);

const isKeyword = (t: Token, keyword: "AND" | "OR" | "NOT") => t.type === "word" && t.text.toUpperCase() === keyword;

/** Parses a query into its syntax tree; throws SegmentError naming what is wrong and where. */
export function parseSegment(query: string): SegmentNode {
  if (query.length > MAX_LENGTH) throw new SegmentError(`the query is longer than ${MAX_LENGTH} characters`, 0, query.length);
  const tokens = lex(query);
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => tokens[pos++];

  const parseOr = (depth: number): SegmentNode => binary("or", "OR", () => parseAnd(depth));
  const parseAnd = (depth: number): SegmentNode => binary("and", "AND", () => parseNot(depth));

  function binary(kind: "and" | "or", keyword: "AND" | "OR", operand: () => SegmentNode): SegmentNode {
    const children = [operand()];
    while (isKeyword(peek(), keyword)) {
      next();
      children.push(operand());
    }
    return children.length === 1 ? children[0] : { kind, children, start: children[0].start, end: children[children.length - 1].end };
  }

  function parseNot(depth: number): SegmentNode {
    if (depth > MAX_DEPTH) throw new SegmentError(`the query nests deeper than ${MAX_DEPTH} levels`, peek().start, peek().end);
    const t = peek();
    if (isKeyword(t, "NOT")) {
      next();
      const child = parseNot(depth + 1);
      return { kind: "not", child, start: t.start, end: child.end };
    }
    if (t.type === "(") {
      next();
      const inner = parseOr(depth + 1);
      const close = next();
      if (close.type !== ")") throw new SegmentError(`missing ')' for the '(' at position ${t.start}, found ${describeToken(close)}`, close.start, close.end);
      // the span covers the parentheses so errors about the group point at all of it
      return { ...inner, start: t.start, end: close.end };
    }
    return parseCondition();
  }

  function parseCondition(): ConditionNode {
    const name = next();
    if (name.type !== "word" || !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name.text) || isKeyword(name, "AND") || isKeyword(name, "OR"))
      throw new SegmentError(`expected a field or attribute name, found ${describeToken(name)}`, name.start, name.end);
    const op = next();
    if (op.type !== "operator")
      throw new SegmentError(`expected an operator (${OPERATORS.join(" ")}) after '${name.text}', found ${describeToken(op)}`, op.start, op.end);
    const value = next();
    if (value.type !== "word" && value.type !== "string")
      throw new SegmentError(`expected a value after '${name.text} ${op.text}', found ${describeToken(value)}`, value.start, value.end);
    return {
      kind: "condition",
      name: name.text,
      nameSpan: { start: name.start, end: name.end },
      operator: op.text,
      operatorSpan: { start: op.start, end: op.end },
      value: value.text,
      valueSpan: { start: value.start, end: value.end },
      start: name.start,
      end: value.end,
    };
  }

  if (peek().type === "end") throw new SegmentError("the query is empty", 0, query.length);
  const tree = parseOr(0);
  const rest = peek();
  if (rest.type !== "end") {
    const message = rest.type === ")" ? "unexpected ')' with no '(' before it" : `expected AND or OR before ${describeToken(rest)}`;
    throw new SegmentError(message, rest.start, rest.end);
  }
  return tree;
}
