import { tokenize } from "../functions/words";
import { define } from "../functions/define";
import { compileGoRegex } from "../functions/regex";
import { toText } from "../values/convert";
import { XError, XFunction, XObject, err, text, type XValue } from "../values/types";
import { FALSE, trueResult } from "./result";

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export const textTests: XFunction[] = [
  define("has_text", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    if (s instanceof XError) return s;
    return s.trim() !== "" ? trueResult(text(s)) : FALSE;
  }),

  define("has_only_text", 2, 2, (env, [a, b]) => {
    const x = toText(env, a);
    if (x instanceof XError) return x;
    const y = toText(env, b);
    if (y instanceof XError) return y;
    return x === y ? trueResult(text(x)) : FALSE;
  }),

  define("has_beginning", 2, 2, (env, [a, b]) => {
    const x = toText(env, a);
    if (x instanceof XError) return x;
    const y = toText(env, b);
    if (y instanceof XError) return y;
    const hay = x.trim();
    const pin = y.trim();
    if (hay === "" || pin === "" || hay.length < pin.length) return FALSE;
    const start = hay.slice(0, pin.length);
    return same(start, pin) ? trueResult(text(start)) : FALSE;
  }),

  define("has_any_word", 2, 2, (env, [a, b]) => {
    const x = toText(env, a);
    if (x instanceof XError) return x;
    const y = toText(env, b);
    if (y instanceof XError) return y;
    const wanted = new Set(tokenize(y).map((w) => w.toLowerCase()));
    const matched = tokenize(x).filter((w) => wanted.has(w.toLowerCase()));
    return matched.length ? trueResult(text(matched.join(" "))) : FALSE;
  }),

  define("has_all_words", 2, 2, (env, [a, b]) => {
    const x = toText(env, a);
    if (x instanceof XError) return x;
    const y = toText(env, b);
    if (y instanceof XError) return y;
    const wanted = tokenize(y).map((w) => w.toLowerCase());
    const words = tokenize(x);
    if (!wanted.every((t) => words.some((w) => w.toLowerCase() === t))) return FALSE;
    const set = new Set(wanted);
    return trueResult(text(words.filter((w) => set.has(w.toLowerCase())).join(" ")));
  }),

  define("has_phrase", 2, 2, (env, [a, b]) => {
    const x = toText(env, a);
    if (x instanceof XError) return x;
    const y = toText(env, b);
    if (y instanceof XError) return y;
    const phrase = tokenize(y);
    if (phrase.length === 0) return trueResult(text(""));
    const words = tokenize(x);
    for (let i = 0; i + phrase.length <= words.length; i++) {
      if (phrase.every((p, j) => same(p, words[i + j]))) return trueResult(text(words.slice(i, i + phrase.length).join(" ")));
    }
    return FALSE;
  }),

  define("has_only_phrase", 2, 2, (env, [a, b]) => {
    const x = toText(env, a);
    if (x instanceof XError) return x;
    const y = toText(env, b);
    if (y instanceof XError) return y;
    const phrase = tokenize(y);
    const words = tokenize(x);
    if (phrase.length !== words.length || !phrase.every((p, j) => same(p, words[j]))) return FALSE;
    return trueResult(text(words.join(" ")));
  }),

  define("has_pattern", 2, 2, (env, [a, b]) => {
    const x = toText(env, a);
    if (x instanceof XError) return x;
    const pattern = toText(env, b);
    if (pattern instanceof XError) return pattern;
    let m: (string | undefined)[] | null;
    try {
      m = compileGoRegex(pattern, "im").exec(x);
    } catch (e) {
      return err(`must be called with a valid regular expression: ${(e as Error).message}`);
    }
    if (!m) return FALSE;
    // extra holds every group by number: {"0": whole match, "1": first group, ...}
    const groups = new Map<string, XValue>(m.map((g, i) => [String(i), text(g ?? "")]));
    return trueResult(text(m[0] ?? ""), new XObject(groups));
  }),
];
