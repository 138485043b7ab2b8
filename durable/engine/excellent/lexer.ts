export type TokenType =
  | "number"
  | "text"
  | "name"
  | "true"
  | "false"
  | "null"
  | "("
  | ")"
  | "["
  | "]"
  | ","
  | "."
  | "=>"
  | "+"
  | "-"
  | "*"
  | "/"
  | "^"
  | "&"
  | "="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "eof";

export interface Token {
  type: TokenType;
  /** The token's source text (for text literals: with the quotes). */
  text: string;
  pos: number;
}

/** An expression that is not valid Excellent. */
export class ParseError extends Error {}

const NAME_START = /[\p{L}_]/u;
const NAME_PART = /[\p{L}\p{N}_]/u;
const DIGIT = /[0-9]/;
const KEYWORDS: Record<string, TokenType> = { true: "true", false: "false", null: "null" };
const TWO_CHAR = new Set(["=>", "!=", "<=", ">="]);
const ONE_CHAR = new Set(["(", ")", "[", "]", ",", ".", "+", "-", "*", "/", "^", "&", "=", "<", ">"]);

/** Splits an Excellent expression into tokens; throws ParseError on a character it can't read. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const start = i;
    if (DIGIT.test(c)) {
      while (i < src.length && DIGIT.test(src[i])) i++;
      if (src[i] === "." && DIGIT.test(src[i + 1] ?? "")) {
        i++;
        while (i < src.length && DIGIT.test(src[i])) i++;
      }
      tokens.push({ type: "number", text: src.slice(start, i), pos: start });
      continue;
    }
    if (c === '"') {
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === "\\" ? 2 : 1;
      if (i >= src.length) throw new ParseError(`unterminated text literal at ${start}`);
      i++;
      tokens.push({ type: "text", text: src.slice(start, i), pos: start });
      continue;
    }
    const cp = src.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (NAME_START.test(ch)) {
      i += ch.length;
      while (i < src.length) {
        const next = String.fromCodePoint(src.codePointAt(i)!);
        if (!NAME_PART.test(next)) break;
        i += next.length;
      }
      const word = src.slice(start, i);
      tokens.push({ type: KEYWORDS[word.toLowerCase()] ?? "name", text: word, pos: start });
      continue;
    }
    const two = src.slice(i, i + 2);
    if (TWO_CHAR.has(two)) {
      tokens.push({ type: two as TokenType, text: two, pos: start });
      i += 2;
      continue;
    }
    if (ONE_CHAR.has(c)) {
      tokens.push({ type: c as TokenType, text: c, pos: start });
      i++;
      continue;
    }
    throw new ParseError(`unexpected character '${ch}' at ${start}`);
  }
  tokens.push({ type: "eof", text: "", pos: src.length });
  return tokens;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
  '"': '"',
};

/**
 * goflow unquotes text literals with Go's strconv.Unquote and, when that fails (e.g. the regex
 * `"\d+"`), just strips the quotes, so unknown escapes survive as written.
 */
export function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return goUnquote(body) ?? body;
}

function goUnquote(body: string): string | null {
  if (!body.includes("\\")) return body.includes("\n") ? null : body;
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === "\n") return null;
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return null;
    if (e in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[e];
      continue;
    }
    const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (hexLen) {
      const hex = body.slice(i + 1, i + 1 + hexLen);
      if (hex.length !== hexLen || !/^[0-9a-fA-F]+$/.test(hex)) return null;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) return null;
      out += String.fromCodePoint(code);
      i += hexLen;
      continue;
    }
    if (/[0-7]/.test(e)) {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return null;
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
      continue;
    }
    return null;
  }
  return out;
}
