// Resolves the names in a parsed query (attributes, fields, groups) and checks each condition's
// operator and value against the type of what it compares, turning values into typed ones.

import { dateTimeFromLocal, daysInMonth, getZone } from "../../durable/engine/excellent/dates";
import type { fields } from "../db/schema";
import { parseSegment, SegmentError, type ConditionNode, type Operator, type SegmentNode, type Span } from "./parse";

export type FieldType = (typeof fields.$inferSelect)["type"];
export interface SegmentField {
  key: string;
  name: string;
  type: FieldType;
}

export type DateFormat = "DD-MM-YYYY" | "MM-DD-YYYY" | "YYYY-MM-DD";

export interface SegmentEnv {
  fields: SegmentField[];
  /** Names of the groups a query may name. */
  groups: string[];
  /** How people write dates; ISO (YYYY-MM-DD) is always understood too. Default YYYY-MM-DD. */
  dateFormat?: DateFormat;
  /** Where a day starts and ends for date comparisons. Default UTC. */
  timezone?: string;
}

/** The URN schemes a query can name on their own. */
const URN_SCHEMES = ["tel", "whatsapp", "telegram", "mailto"] as const;
const CONTACT_STATUSES = ["active", "blocked", "stopped", "archived"] as const;

/** What a condition compares: a value of the contact itself, a field, its URNs or its groups. */
export type Target =
  | { kind: "column"; column: "name" | "uuid" | "language" | "status" | "created_on" | "last_seen_on" }
  | { kind: "field"; key: string; type: FieldType }
  | { kind: "urn"; scheme: (typeof URN_SCHEMES)[number] | null }
  | { kind: "group" };

/**
 * How a condition compares. Text is compared case-insensitively (ASCII letters, as SQLite's
 * lower() folds them), so `text` holds the folded value; a day is the instants [from, to) as ISO strings.
 */
export type Test =
  | { kind: "set"; set: boolean }
  | { kind: "text"; op: "=" | "!=" | "~"; text: string }
  | { kind: "exact"; op: "=" | "!="; text: string }
  | { kind: "number"; op: Comparison; number: number }
  | { kind: "day"; op: Comparison; from: string; to: string };

export type Comparison = Exclude<Operator, "~">;

export type CheckedNode =
  | { kind: "and" | "or"; children: CheckedNode[] }
  | { kind: "not"; child: CheckedNode }
  /** The span is the condition's place in the query, for errors found later (compile-sql.ts). */
  | { kind: "condition"; target: Target; test: Test; span: Span };

type ValueType = "text" | "exact" | "number" | "day" | "status" | "group";

/** The operators each type of value allows. */
const ALLOWED: Record<ValueType, Operator[]> = {
  text: ["=", "!=", "~"],
  exact: ["=", "!="],
  number: ["=", "!=", "<", "<=", ">", ">="],
  day: ["=", "!=", "<", "<=", ">", ">="],
  status: ["=", "!="],
  group: ["=", "!="],
};

const COLUMN_TYPES: Record<Extract<Target, { kind: "column" }>["column"], ValueType> = {
  name: "text",
  uuid: "exact",
  language: "exact",
  status: "status",
  created_on: "day",
  last_seen_on: "day",
};

const FIELD_TYPES: Record<FieldType, ValueType> = { text: "text", number: "number", datetime: "day", state: "exact", district: "exact", ward: "exact" };

/** SQLite's lower() folds only ASCII letters; values are folded the same way so SQL and match.ts agree. */
export const asciiLower = (s: string) => s.replace(/[A-Z]/g, (ch) => ch.toLowerCase());

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The closest candidate when it is close enough to be a typo. */
function suggest(word: string, candidates: string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(asciiLower(word), asciiLower(c));
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== null && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : null;
}

const didYouMean = (word: string, candidates: string[]) => {
  const s = suggest(word, candidates);
  return s ? ` (did you mean '${s}'?)` : "";
};

/** `subject` names what is compared in messages; `kind` adds a field's type: "text field 'district'". */
function resolve(c: ConditionNode, env: SegmentEnv): { target: Target; type: ValueType; subject: string; kind: string } {
  const name = asciiLower(c.name);
  const fieldKey = name.startsWith("fields.") ? name.slice("fields.".length) : null;
  if (fieldKey === null) {
    if (name in COLUMN_TYPES) {
      const column = name as keyof typeof COLUMN_TYPES;
      return { target: { kind: "column", column }, type: COLUMN_TYPES[column], subject: `'${column}'`, kind: `'${column}'` };
    }
    if (name === "urn") return { target: { kind: "urn", scheme: null }, type: "text", subject: "'urn'", kind: "'urn'" };
    if ((URN_SCHEMES as readonly string[]).includes(name))
      return { target: { kind: "urn", scheme: name as (typeof URN_SCHEMES)[number] }, type: "text", subject: `'${name}'`, kind: `'${name}'` };
    if (name === "group") return { target: { kind: "group" }, type: "group", subject: "'group'", kind: "'group'" };
  }
  const key = fieldKey ?? name;
  const field = env.fields.find((f) => f.key === key);
  if (field) {
    const subject = `field '${field.key}'`;
    return { target: { kind: "field", key: field.key, type: field.type }, type: FIELD_TYPES[field.type], subject, kind: `${field.type} ${subject}` };
  }
  const keys = env.fields.map((f) => f.key);
  const closest = suggest(key, fieldKey === null ? [...Object.keys(COLUMN_TYPES), "urn", ...URN_SCHEMES, "group", ...keys] : keys);
  const hint = closest === null ? "" : ` (did you mean '${fieldKey === null ? "" : "fields."}${closest}'?)`;
  throw new SegmentError(`unknown field '${c.name}'${hint}`, c.nameSpan.start, c.nameSpan.end);
}

/** A date written as ISO or in the environment's format, as [year, month, day], or null. */
function parseDay(value: string, format: DateFormat): [number, number, number] | null {
  let parts: number[] | null = null;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(value);
  if (iso) parts = [+iso[1], +iso[2], +iso[3]];
  else if (format !== "YYYY-MM-DD") {
    const m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(value);
    if (m) parts = format === "DD-MM-YYYY" ? [+m[3], +m[2], +m[1]] : [+m[3], +m[1], +m[2]];
  }
  if (!parts) return null;
  const [y, mo, d] = parts;
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo) ? [y, mo, d] : null;
}

function checkCondition(c: ConditionNode, env: SegmentEnv): CheckedNode {
  const { target, type, subject, kind } = resolve(c, env);
  const op = c.operator;
  if (!ALLOWED[type].includes(op)) {
    const allowed = ALLOWED[type].join(" ");
    throw new SegmentError(`can't compare ${kind} with ${op} (use ${allowed})`, c.operatorSpan.start, c.operatorSpan.end);
  }
  const bad: (message: string) => never = (message) => {
    throw new SegmentError(message, c.valueSpan.start, c.valueSpan.end);
  };
  const value = c.value.trim();
  const condition = (test: Test): CheckedNode => ({ kind: "condition", target, test, span: { start: c.start, end: c.end } });

  // `= ""` is "is not set", `!= ""` is "is set", for everything that can be unset.
  if (value === "") {
    if (op === "=" || op === "!=") {
      if (type === "group") bad("group needs a group name");
      return condition({ kind: "set", set: op === "!=" });
    }
    bad(`${op} needs a value to compare with`);
  }

  switch (type) {
    case "text":
      return condition({ kind: "text", op: op as "=" | "!=" | "~", text: asciiLower(value) });
    case "exact":
      return condition({ kind: "exact", op: op as "=" | "!=", text: asciiLower(value) });
    case "status":
      if (!(CONTACT_STATUSES as readonly string[]).includes(asciiLower(value)))
        bad(`'${value}' is not a contact status (${CONTACT_STATUSES.join(", ")})${didYouMean(value, [...CONTACT_STATUSES])}`);
      return condition({ kind: "exact", op: op as "=" | "!=", text: asciiLower(value) });
    case "group":
      if (!env.groups.some((g) => asciiLower(g) === asciiLower(value))) bad(`unknown group '${value}'${didYouMean(value, env.groups)}`);
      return condition({ kind: "exact", op: op as "=" | "!=", text: asciiLower(value) });
    case "number": {
      const n = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(n)) bad(`'${value}' is not a number for ${subject}`);
      return condition({ kind: "number", op: op as Comparison, number: n });
    }
    case "day": {
      const format = env.dateFormat ?? "YYYY-MM-DD";
      const ymd = parseDay(value, format);
      if (!ymd) bad(`'${value}' is not a date for ${subject} (write it as ${format === "YYYY-MM-DD" ? format : `${format} or YYYY-MM-DD`})`);
      const zone = getZone(env.timezone ?? "UTC");
      if (!zone) throw new Error(`unknown timezone ${env.timezone}`);
      const [y, m, d] = ymd;
      const instant = (day: number) => new Date(dateTimeFromLocal(y, m, day, 0, 0, 0, 0, zone).epochSeconds * 1000).toISOString();
      return condition({ kind: "day", op: op as Comparison, from: instant(d), to: instant(d + 1) });
    }
  }
}

function checkNode(node: SegmentNode, env: SegmentEnv): CheckedNode {
  switch (node.kind) {
    case "and":
    case "or":
      return { kind: node.kind, children: node.children.map((c) => checkNode(c, env)) };
    case "not":
      return { kind: "not", child: checkNode(node.child, env) };
    case "condition":
      return checkCondition(node, env);
  }
}

/** Checks a parsed query against the fields and groups; throws SegmentError naming what is wrong and where. */
export function checkSegment(tree: SegmentNode, env: SegmentEnv): CheckedNode {
  return checkNode(tree, env);
}

/** Parses and checks a query in one step. */
export function segment(query: string, env: SegmentEnv): CheckedNode {
  return checkSegment(parseSegment(query), env);
}
