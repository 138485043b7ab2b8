import type { DateTimeValue, DateValue, TimeValue } from "../dates";
import type { Environment } from "../environment";
import { Decimal } from "./number";

/** A value of the Excellent language; `null` is goflow's nil. */
export type XValue = XText | XNumber | XBoolean | XDate | XDateTime | XTime | XArray | XObject | XFunction | XError | null;

export class XText {
  readonly kind = "text";
  constructor(readonly value: string) {}
}

export class XNumber {
  readonly kind = "number";
  constructor(readonly value: Decimal) {}
}

export class XBoolean {
  readonly kind = "boolean";
  private constructor(readonly value: boolean) {}
  static readonly TRUE = new XBoolean(true);
  static readonly FALSE = new XBoolean(false);
  static of(b: boolean): XBoolean {
    return b ? XBoolean.TRUE : XBoolean.FALSE;
  }
}

export class XDate {
  readonly kind = "date";
  constructor(readonly value: DateValue) {}
}

export class XDateTime {
  readonly kind = "datetime";
  constructor(readonly value: DateTimeValue) {}
}

export class XTime {
  readonly kind = "time";
  constructor(readonly value: TimeValue) {}
}

export class XArray {
  readonly kind = "array";
  constructor(readonly values: readonly XValue[]) {}
}

/**
 * An object: named properties plus an optional default value which stands for the object when it
 * is rendered, converted or compared (`@contact` renders as the contact's name).
 */
export class XObject {
  readonly kind = "object";
  constructor(
    readonly properties: ReadonlyMap<string, XValue>,
    readonly defaultValue?: XValue,
    readonly hasDefault: boolean = defaultValue !== undefined,
  ) {}

  /** Exact key first, then case-insensitively, as context lookups like `@fields.AGE` expect. */
  get(key: string): XValue | undefined {
    const exact = this.properties.get(key);
    if (exact !== undefined || this.properties.has(key)) return exact;
    const lower = key.toLowerCase();
    // Names first: a lazy object (values/lazy.ts) computes only the property asked for.
    for (const k of this.properties.keys()) if (k.toLowerCase() === lower) return this.properties.get(k);
    return undefined;
  }

  sortedKeys(): string[] {
    return [...this.properties.keys()].sort();
  }
}

export type XCallable = (env: Environment, args: XValue[]) => XValue;

export class XFunction {
  readonly kind = "function";
  constructor(readonly name: string, readonly call: XCallable) {}
}

export class XError {
  readonly kind = "error";
  constructor(readonly message: string) {}
}

export const EMPTY_TEXT = new XText("");

export function text(s: string): XText {
  return s === "" ? EMPTY_TEXT : new XText(s);
}

export function num(n: Decimal | number | string): XNumber {
  return new XNumber(n instanceof Decimal ? n : new Decimal(n));
}

export function arr(values: readonly XValue[]): XArray {
  return new XArray(values);
}

export function obj(props: Record<string, XValue>, defaultValue?: XValue): XObject {
  return new XObject(new Map(Object.entries(props)), defaultValue);
}

export function err(message: string): XError {
  return new XError(message);
}

export function isError(v: XValue | undefined): v is XError {
  return v !== null && v !== undefined && v.kind === "error";
}

/** goflow's short description of a value, used in error messages. */
export function describe(v: XValue): string {
  if (v === null) return "null";
  switch (v.kind) {
    case "text":
      return `text "${v.value}"`;
    case "number":
      return `number ${v.value.toString()}`;
    case "boolean":
      return v.value ? "true" : "false";
    case "array":
      return "array";
    case "object":
      return "object";
    case "function":
      return `function ${v.name}`;
    case "error":
      return "error";
    default:
      return v.kind;
  }
}
