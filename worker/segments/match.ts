// Tests one contact against a checked query in memory, with the same semantics as compile-sql.ts:
// text is folded like SQLite's lower(), values of the wrong JSON type never compare, and dates and
// texts compare as strings, as SQLite compares them.

import type { CheckedNode, Target, Test } from "./check";
import { asciiLower } from "./check";

/** A contact as the API returns it (worker/api/contacts.ts ContactOut); groups need only their names. */
export interface SegmentContact {
  uuid: string;
  name: string | null;
  language: string | null;
  status: string;
  created_on: string;
  last_seen_on: string | null;
  fields: Record<string, string | number>;
  /** "scheme:path" */
  urns: string[];
  groups: { name: string }[];
}

type Scalar = string | number | null;

function scalarTest(value: Scalar, test: Test): boolean {
  if (test.kind === "set") return (value !== null && value !== "") === test.set;
  if (test.kind === "number") {
    if (test.op === "!=") return !(typeof value === "number" && value === test.number);
    if (typeof value !== "number") return false;
    switch (test.op) {
      case "=":
        return value === test.number;
      case "<":
        return value < test.number;
      case "<=":
        return value <= test.number;
      case ">":
        return value > test.number;
      case ">=":
        return value >= test.number;
    }
  }
  if (test.kind === "day") {
    const inDay = typeof value === "string" && value >= test.from && value < test.to;
    if (test.op === "=") return inDay;
    if (test.op === "!=") return !inDay;
    if (typeof value !== "string") return false;
    switch (test.op) {
      case "<":
        return value < test.from;
      case "<=":
        return value < test.to;
      case ">":
        return value >= test.to;
      case ">=":
        return value >= test.from;
    }
  }
  const text = typeof value === "string" ? asciiLower(value) : null;
  if (test.op === "~") return text !== null && text.includes(test.text);
  return (text === test.text) === (test.op === "=");
}

/** Like scalarTest over several values: any passes `=` or `~`, none equals for `!=`, `= ""` when there are none. */
function anyOf(values: string[], test: Test): boolean {
  if (test.kind === "set") return values.length > 0 === test.set;
  if (test.kind !== "text" && test.kind !== "exact") throw new Error(`URNs and groups have no ${test.kind} tests`);
  if (test.op === "!=") return !values.some((v) => scalarTest(v, { ...test, op: "=" }));
  return values.some((v) => scalarTest(v, test));
}

function condition(target: Target, test: Test, contact: SegmentContact): boolean {
  switch (target.kind) {
    case "column":
      return scalarTest(contact[target.column], test);
    case "field": {
      const value = contact.fields[target.key] ?? null;
      if (test.kind === "set") return scalarTest(value, test);
      // a value of another JSON type than the field's (left from a type change) never compares
      return scalarTest(typeof value === (target.type === "number" ? "number" : "string") ? value : null, test);
    }
    case "urn": {
      const paths = contact.urns.flatMap((urn) => {
        const colon = urn.indexOf(":");
        return target.scheme === null || urn.slice(0, colon) === target.scheme ? [urn.slice(colon + 1)] : [];
      });
      return anyOf(paths, test);
    }
    case "group":
      return anyOf(contact.groups.map((g) => g.name), test);
  }
}

/** Whether the contact is in the segment. */
export function matchContact(tree: CheckedNode, contact: SegmentContact): boolean {
  switch (tree.kind) {
    case "and":
      return tree.children.every((c) => matchContact(c, contact));
    case "or":
      return tree.children.some((c) => matchContact(c, contact));
    case "not":
      return !matchContact(tree.child, contact);
    case "condition":
      return condition(tree.target, tree.test, contact);
  }
}
