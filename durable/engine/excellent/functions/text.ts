import type { Environment } from "../environment";
import { toInteger, toNumber, toText } from "../values/convert";
import { XError, XFunction, arr, err, num, text, type XValue } from "../values/types";
import { define } from "./define";
import { compileGoRegex } from "./regex";
import { tokenize, tokenizeByChars, tokenizeWithPositions } from "./words";

/** Optional argument `i` converted to text, or undefined when absent. */
function optText(env: Environment, args: XValue[], i: number): string | undefined | XError {
  return args.length > i ? toText(env, args[i]) : undefined;
}

function words(s: string, delimiters: string | undefined): string[] {
  return delimiters === undefined ? tokenize(s) : tokenizeByChars(s, delimiters);
}

function runes(s: string): string[] {
  return Array.from(s);
}

/** Go's strings.Trim family with a cutset; without one, unicode whitespace. */
function trimWith(s: string, cutset: string | undefined, left: boolean, right: boolean): string {
  if (cutset === undefined) return left && right ? s.trim() : left ? s.trimStart() : s.trimEnd();
  const set = new Set(runes(cutset));
  const chars = runes(s);
  let a = 0;
  let b = chars.length;
  if (left) while (a < b && set.has(chars[a])) a++;
  if (right) while (b > a && set.has(chars[b - 1])) b--;
  return chars.slice(a, b).join("");
}

/** Go's strings.Title over lowercased text: a letter after any non-letter/digit is capitalised. */
function title(s: string): string {
  let out = "";
  let prevIsWordChar = false;
  for (const ch of s.toLowerCase()) {
    const isWordChar = /[\p{L}\p{N}\p{M}_]/u.test(ch);
    out += isWordChar && !prevIsWordChar ? ch.toUpperCase() : ch;
    prevIsWordChar = isWordChar;
  }
  return out;
}

/** Go's url.QueryEscape with spaces as %20: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function urlEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
  copy: "©",
  reg: "®",
  trade: "™",
  hellip: "…",
  mdash: "—",
  ndash: "–",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  euro: "€",
  pound: "£",
  yen: "¥",
  cent: "¢",
  deg: "°",
  laquo: "«",
  raquo: "»",
  middot: "·",
  times: "×",
  divide: "÷",
};

function htmlDecode(s: string): string {
  return s.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z]+);?/g, (m, body: string) => {
    if (body[0] === "#") {
      const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code < 0xe000) ? String.fromCodePoint(code) : "\ufffd";
    }
    return ENTITIES[body] ?? m;
  });
}

const MAX_REPEAT_LENGTH = 10_000;

export const textFunctions: XFunction[] = [
  define("text", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    return s instanceof XError ? s : text(s);
  }),

  define("char", 1, 1, (env, [v]) => {
    const code = toInteger(env, v);
    if (code instanceof XError) return code;
    if (code < 0 || code > 0x10ffff || (code >= 0xd800 && code < 0xe000)) return err(`${code} is not a valid character code`);
    return text(String.fromCodePoint(code));
  }),

  define("code", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    if (s instanceof XError) return s;
    if (s === "") return err("requires a string of at least one character");
    return num(s.codePointAt(0)!);
  }),

  define("clean", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    // keeps what Go's unicode.IsPrint keeps: letters, marks, numbers, punctuation, symbols, ASCII space
    return s instanceof XError ? s : text(s.replace(/[^\p{L}\p{M}\p{N}\p{P}\p{S} ]/gu, ""));
  }),

  define("lower", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    return s instanceof XError ? s : text(s.toLowerCase());
  }),

  define("upper", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    return s instanceof XError ? s : text(s.toUpperCase());
  }),

  define("title", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    return s instanceof XError ? s : text(title(s));
  }),

  define("trim", 1, 2, (env, args) => {
    const s = toText(env, args[0]);
    const cutset = optText(env, args, 1);
    if (s instanceof XError) return s;
    if (cutset instanceof XError) return cutset;
    return text(trimWith(s, cutset, true, true));
  }),

  define("trim_left", 1, 2, (env, args) => {
    const s = toText(env, args[0]);
    const cutset = optText(env, args, 1);
    if (s instanceof XError) return s;
    if (cutset instanceof XError) return cutset;
    return text(trimWith(s, cutset, true, false));
  }),

  define("trim_right", 1, 2, (env, args) => {
    const s = toText(env, args[0]);
    const cutset = optText(env, args, 1);
    if (s instanceof XError) return s;
    if (cutset instanceof XError) return cutset;
    return text(trimWith(s, cutset, false, true));
  }),

  define("text_length", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    return s instanceof XError ? s : num(runes(s).length);
  }),

  define("text_slice", 2, 3, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const chars = runes(s);
    const n = chars.length;
    let start = toInteger(env, args[1]);
    if (start instanceof XError) return start;
    let end: number | XError = args.length > 2 ? toInteger(env, args[2]) : n;
    if (end instanceof XError) return end;
    if (start < 0) start = Math.max(0, n + start);
    if (end < 0) end = Math.max(0, n + end);
    end = Math.min(end, n);
    return start >= end ? text("") : text(chars.slice(start, end).join(""));
  }),

  define("text_compare", 2, 2, (env, [a, b]) => {
    const x = toText(env, a);
    if (x instanceof XError) return x;
    const y = toText(env, b);
    if (y instanceof XError) return y;
    return num(x < y ? -1 : x > y ? 1 : 0);
  }),

  define("repeat", 2, 2, (env, [v, c]) => {
    const s = toText(env, v);
    if (s instanceof XError) return s;
    const count = toInteger(env, c);
    if (count instanceof XError) return count;
    if (count < 0) return err("must be called with a positive integer, got " + count);
    if (s.length * count > MAX_REPEAT_LENGTH) return err(`output would be more than ${MAX_REPEAT_LENGTH} characters`);
    return text(s.repeat(count));
  }),

  define("replace", 3, 4, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const needle = toText(env, args[1]);
    if (needle instanceof XError) return needle;
    const replacement = toText(env, args[2]);
    if (replacement instanceof XError) return replacement;
    const count = args.length > 3 ? toInteger(env, args[3]) : -1;
    if (count instanceof XError) return count;
    return text(goReplace(s, needle, replacement, count));
  }),

  define("split", 1, 2, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const delimiters = args.length > 1 ? toText(env, args[1]) : " ";
    if (delimiters instanceof XError) return delimiters;
    return arr(tokenizeByChars(s, delimiters).map(text));
  }),

  define("word", 2, 3, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const index = toInteger(env, args[1]);
    if (index instanceof XError) return index;
    const delimiters = optText(env, args, 2);
    if (delimiters instanceof XError) return delimiters;
    const ws = words(s, delimiters);
    const i = index < 0 ? ws.length + index : index;
    if (i < 0 || i >= ws.length) return err(`index ${index} is out of range for the number of words ${ws.length}`);
    return text(ws[i]);
  }),

  define("word_count", 1, 2, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const delimiters = optText(env, args, 1);
    if (delimiters instanceof XError) return delimiters;
    return num(words(s, delimiters).length);
  }),

  define("word_slice", 2, 4, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const start = toInteger(env, args[1]);
    if (start instanceof XError) return start;
    const end = args.length > 2 ? toInteger(env, args[2]) : -1;
    if (end instanceof XError) return end;
    const delimiters = optText(env, args, 3);
    if (delimiters instanceof XError) return delimiters;
    if (start < 0) return err("must start with a positive index");
    if (end > 0 && end <= start) return err("must have an end which is greater than the start");
    const ws = words(s, delimiters);
    // a negative end (the default) means up to the last word
    return text((end > 0 ? ws.slice(start, end) : ws.slice(start)).join(" "));
  }),

  define("remove_first_word", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    if (s instanceof XError) return s;
    const ws = tokenizeWithPositions(s);
    if (ws.length < 2) return text("");
    return text(s.slice(ws[1].start));
  }),

  define("regex_match", 2, 3, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const pattern = toText(env, args[1]);
    if (pattern instanceof XError) return pattern;
    const group = args.length > 2 ? toInteger(env, args[2]) : 0;
    if (group instanceof XError) return group;
    let m: (string | undefined)[] | null;
    try {
      m = compileGoRegex(pattern, "").exec(s);
    } catch (e) {
      return err(`invalid regular expression: ${(e as Error).message}`);
    }
    if (!m) return text("");
    if (group < 0 || group >= m.length) return err("invalid regular expression group");
    return text(m[group] ?? "");
  }),

  define("percent", 1, 1, (env, [v]) => {
    const n = toNumber(env, v);
    if (n instanceof XError) return n;
    return text(n.times(100).toDecimalPlaces(0).toFixed(0) + "%");
  }),

  define("url_encode", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    return s instanceof XError ? s : text(urlEncode(s));
  }),

  define("html_decode", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    return s instanceof XError ? s : text(htmlDecode(s));
  }),

  define("read_chars", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    if (s instanceof XError) return s;
    return text(readChars(s));
  }),

  define("field", 3, 3, (env, args) => {
    const s = toText(env, args[0]);
    if (s instanceof XError) return s;
    const index = toInteger(env, args[1]);
    if (index instanceof XError) return index;
    const delimiter = toText(env, args[2]);
    if (delimiter instanceof XError) return delimiter;
    if (index < 0) return err("cannot use a negative index");
    const fields = s.split(delimiter);
    return text(index < fields.length ? fields[index].trim() : "");
  }),

  define("format_location", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    if (s instanceof XError) return s;
    const parts = s.split(">");
    return text(parts[parts.length - 1].trim());
  }),
];

/**
 * goflow's read_chars, for IVR: characters spaced out, in groups of three (or four) separated by
 * " , " when the length allows, otherwise one by one; a leading + is dropped.
 */
function readChars(s: string): string {
  const chars = runes(s.replace(/^\++/, ""));
  const n = chars.length;
  const size = n % 3 === 0 ? 3 : n % 4 === 0 ? 4 : 1;
  const groups: string[] = [];
  for (let i = 0; i < n; i += size) groups.push(chars.slice(i, i + size).join(" "));
  return groups.join(" , ");
}

/** Go's strings.Replace: at most `n` replacements (all when negative); an empty `old` matches between runes. */
function goReplace(s: string, old: string, neu: string, n: number): string {
  if (old === "") {
    const chars = runes(s);
    let out = "";
    for (let i = 0; i <= chars.length; i++) {
      if (n < 0 || i < n) out += neu;
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  if (n < 0) return s.split(old).join(neu);
  let out = "";
  let rest = s;
  for (let i = 0; i < n; i++) {
    const at = rest.indexOf(old);
    if (at < 0) break;
    out += rest.slice(0, at) + neu;
    rest = rest.slice(at + old.length);
  }
  return out + rest;
}
