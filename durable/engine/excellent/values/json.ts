import { Decimal, decimalToString } from "./number";
import { XArray, XBoolean, XDate, XDateTime, XError, XFunction, XNumber, XObject, XText, XTime, err, text, type XValue } from "./types";

const X_CLASSES = [XText, XNumber, XBoolean, XDate, XDateTime, XTime, XArray, XObject, XFunction, XError];

/**
 * Plain JSON (as from JSON.parse) to a value; a `__default__` key becomes the object's default.
 * Values that already are XValues pass through, so contexts can mix both.
 */
export function fromJSON(value: unknown): XValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
      return text(value);
    case "number":
      return new XNumber(new Decimal(value));
    case "bigint":
      return new XNumber(new Decimal(value.toString()));
    case "boolean":
      return XBoolean.of(value);
    case "object": {
      if (Array.isArray(value)) return new XArray(value.map(fromJSON));
      // Plain objects (the common case) skip the class checks.
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null && X_CLASSES.some((c) => value instanceof c)) return value as XValue;
      const props = new Map<string, XValue>();
      let hasDefault = false;
      let defaultValue: XValue = null;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (k === "__default__") {
          hasDefault = true;
          defaultValue = fromJSON(v);
        } else {
          props.set(k, fromJSON(v));
        }
      }
      return new XObject(props, defaultValue, hasDefault);
    }
    default:
      return null;
  }
}

function quote(s: string): string {
  return JSON.stringify(s).replace(/[\u2028\u2029]/g, (c) => (c === "\u2028" ? "\\u2028" : "\\u2029"));
}

/** goflow's JSON serialisation: object keys sorted, defaults left out, dates as ISO text, functions null. */
export function toJSON(v: XValue): string {
  if (v === null) return "null";
  switch (v.kind) {
    case "text":
      return quote(v.value);
    case "number":
      return decimalToString(v.value);
    case "boolean":
      return v.value ? "true" : "false";
    case "date":
    case "datetime":
    case "time":
      return quote(v.value.toString());
    case "array":
      return "[" + v.values.map(toJSON).join(",") + "]";
    case "object":
      return "{" + v.sortedKeys().map((k) => quote(k) + ":" + toJSON(v.properties.get(k) ?? null)).join(",") + "}";
    case "function":
      return "null";
    case "error":
      return quote(v.message);
  }
}

/** Parses JSON text keeping numbers exact (no float round-trip); an XError when it isn't JSON. */
export function parseJSON(src: string): XValue {
  const p = new JSONParser(src);
  try {
    p.ws();
    const v = p.value();
    p.ws();
    if (p.i < src.length) throw new Error(`unexpected '${src[p.i]}' at ${p.i}`);
    return v;
  } catch (e) {
    return err(`unable to parse JSON: ${(e as Error).message}`);
  }
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

class JSONParser {
  i = 0;
  constructor(private readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i])) this.i++;
  }

  value(): XValue {
    const c = this.s[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return text(this.string());
    if (this.s.startsWith("true", this.i)) return (this.i += 4), XBoolean.TRUE;
    if (this.s.startsWith("false", this.i)) return (this.i += 5), XBoolean.FALSE;
    if (this.s.startsWith("null", this.i)) return (this.i += 4), null;
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) throw new Error(c === undefined ? "unexpected end of input" : `unexpected '${c}' at ${this.i}`);
    this.i += m[0].length;
    return new XNumber(new Decimal(m[0]));
  }

  private object(): XObject {
    this.i++;
    const props = new Map<string, XValue>();
    this.ws();
    if (this.s[this.i] === "}") return this.i++, new XObject(props);
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') throw new Error(`expected a key at ${this.i}`);
      const key = this.string();
      this.ws();
      if (this.s[this.i++] !== ":") throw new Error(`expected ':' at ${this.i - 1}`);
      this.ws();
      props.set(key, this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === "}") return new XObject(props);
      if (c !== ",") throw new Error(`expected ',' or '}' at ${this.i - 1}`);
    }
  }

  private array(): XArray {
    this.i++;
    const items: XValue[] = [];
    this.ws();
    if (this.s[this.i] === "]") return this.i++, new XArray(items);
    for (;;) {
      this.ws();
      items.push(this.value());
      this.ws();
      const c = this.s[this.i++];
      if (c === "]") return new XArray(items);
      if (c !== ",") throw new Error(`expected ',' or ']' at ${this.i - 1}`);
    }
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.s.length && this.s[this.i] !== '"') {
      if (this.s[this.i] === "\\") this.i++;
      else if (this.s.charCodeAt(this.i) < 0x20) throw new Error(`control character in string at ${this.i}`);
      this.i++;
    }
    if (this.i >= this.s.length) throw new Error("unterminated string");
    this.i++;
    return JSON.parse(this.s.slice(start, this.i)) as string;
  }
}
