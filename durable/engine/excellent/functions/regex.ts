/**
 * Go's regular expressions (RE2 syntax, Perl flags as `regexp.Compile` uses them) in linear time.
 *
 * Flows' patterns are untrusted: run as JS RegExp, which backtracks, a pattern like `(a+)+$` on a
 * long reply blocks the contact's Durable Object for seconds. So a pattern is parsed here with RE2's
 * rules (what RE2 rejects is rejected: backreferences, lookaround, possessive and nested
 * quantifiers...), compiled to a small program and run by a Pike VM (Thompson NFA with captures,
 * leftmost-first like Go), whose cost is at most the program size times the input length.
 * Both are capped (`MAX_PROGRAM`, `MAX_WORK`).
 */

/** Largest compiled program (instructions), as RE2 refuses too large expressions. */
export const MAX_PROGRAM = 2000;
/**
 * Most work one match may do: program size times input length (UTF-16 code units), about 25 ms at
 * worst. A longer input is an error rather than a silently partial search.
 */
export const MAX_WORK = 1_000_000;
/** RE2's largest repeat count in `{n,m}`. */
const MAX_REPEAT = 1000;

/**
 * A compiled pattern: `exec` gives the first match and its groups (undefined when a group didn't
 * take part), or null; it throws SyntaxError when the input is too long for the pattern.
 */
export interface GoRegex {
  readonly groups: number;
  exec(input: string): (string | undefined)[] | null;
}

type Pred = (cp: number) => boolean;
type Flags = { i: boolean; m: boolean; s: boolean; U: boolean };
type AssertKind = "bol" | "eol" | "bot" | "eot" | "wb" | "nwb";
type RNode =
  | { t: "empty" }
  | { t: "char"; p: Pred }
  | { t: "cat"; items: RNode[] }
  | { t: "alt"; items: RNode[] }
  | { t: "rep"; min: number; max: number; greedy: boolean; item: RNode }
  | { t: "cap"; index: number; item: RNode }
  | { t: "assert"; kind: AssertKind };

class RegexError extends SyntaxError {}

function fail(msg: string, pattern: string): never {
  throw new RegexError(`${msg} in \`${pattern}\``);
}

// --- character predicates ---

const isDigit: Pred = (c) => c >= 48 && c <= 57;
const isSpace: Pred = (c) => c === 9 || c === 10 || c === 12 || c === 13 || c === 32;
const isWord: Pred = (c) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const not =
  (p: Pred): Pred =>
  (c) =>
    !p(c);

const POSIX: Record<string, Pred> = {
  alnum: (c) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  alpha: (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122),
  ascii: (c) => c <= 0x7f,
  blank: (c) => c === 9 || c === 32,
  cntrl: (c) => c <= 0x1f || c === 0x7f,
  digit: isDigit,
  graph: (c) => c >= 0x21 && c <= 0x7e,
  lower: (c) => c >= 97 && c <= 122,
  print: (c) => c >= 0x20 && c <= 0x7e,
  punct: (c) => (c >= 0x21 && c <= 0x2f) || (c >= 0x3a && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e),
  space: (c) => c === 32 || (c >= 9 && c <= 13),
  upper: (c) => c >= 65 && c <= 90,
  word: isWord,
  xdigit: (c) => isDigit(c) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102),
};

/** `\p{Name}`: a general category (L, Lu, N...), a script (Greek, Latin...) or Any. */
function unicodeClass(name: string): Pred | undefined {
  if (name === "Any") return () => true;
  let re: RegExp;
  try {
    re = /^[A-Z][a-z&]?$/.test(name) ? new RegExp(`^\\p{${name}}$`, "u") : new RegExp(`^\\p{Script=${name}}$`, "u");
  } catch {
    return undefined;
  }
  return (c) => re.test(String.fromCodePoint(c));
}

function single(s: string): number | undefined {
  const c = s.codePointAt(0);
  return c !== undefined && String.fromCodePoint(c).length === s.length ? c : undefined;
}

/** Case-insensitive version of a predicate: the character, its lower, upper and folded forms. */
function folding(p: Pred): Pred {
  return (c) => {
    if (p(c)) return true;
    const s = String.fromCodePoint(c);
    const lower = single(s.toLowerCase());
    const upper = single(s.toUpperCase());
    if (lower !== undefined && lower !== c && p(lower)) return true;
    if (upper !== undefined && upper !== c && p(upper)) return true;
    const folded = upper !== undefined ? single(String.fromCodePoint(upper).toLowerCase()) : undefined;
    return folded !== undefined && folded !== c && folded !== lower && p(folded);
  };
}

function literal(cp: number, fold: boolean): Pred {
  const p: Pred = (c) => c === cp;
  if (!fold) return p;
  const s = String.fromCodePoint(cp);
  return s.toLowerCase() === s.toUpperCase() ? p : folding(p);
}

// --- parser ---

const HEX = /^[0-9a-fA-F]+$/;

class Parser {
  private i = 0;
  groups = 0;
  private names = new Set<string>();

  constructor(private readonly src: string) {}

  parse(flags: Flags): RNode {
    const node = this.alternation({ ...flags }, 0);
    if (this.i < this.src.length) fail("unexpected )", this.src);
    return node;
  }

  private err(msg: string): never {
    fail(msg, this.src);
  }

  private peek(): number | undefined {
    return this.src.codePointAt(this.i);
  }

  private next(): number {
    const c = this.src.codePointAt(this.i);
    if (c === undefined) this.err("unexpected end of pattern");
    this.i += c > 0xffff ? 2 : 1;
    return c;
  }

  private alternation(flags: Flags, depth: number): RNode {
    if (depth > 1000) this.err("expression nests too deeply");
    const branches: RNode[] = [];
    for (;;) {
      branches.push(this.concatenation(flags, depth));
      if (this.src[this.i] !== "|") break;
      this.i++;
    }
    return branches.length === 1 ? branches[0] : { t: "alt", items: branches };
  }

  private concatenation(flags: Flags, depth: number): RNode {
    const items: RNode[] = [];
    let lastRepeatable = false;
    while (this.i < this.src.length) {
      const ch = this.src[this.i];
      if (ch === "|" || ch === ")") break;
      if (ch === "*" || ch === "+" || ch === "?" || (ch === "{" && this.repeatAt(this.i))) {
        if (items.length === 0 || !lastRepeatable) {
          this.err(items.length === 0 ? `missing argument to repetition operator: \`${ch}\`` : `invalid nested repetition operator: \`${ch}\``);
        }
        const [min, max] = this.quantifier();
        let greedy = true;
        if (this.src[this.i] === "?") {
          this.i++;
          greedy = false;
        }
        if (flags.U) greedy = !greedy;
        const nextCh = this.src[this.i];
        if (nextCh === "*" || nextCh === "+" || nextCh === "?" || (nextCh === "{" && this.repeatAt(this.i))) {
          this.err(`invalid nested repetition operator: \`${ch}${nextCh}\``);
        }
        items.push({ t: "rep", min, max, greedy, item: items.pop()! });
        lastRepeatable = false;
        continue;
      }
      const atom = this.atom(flags, depth);
      if (atom === null) continue; // a flags group `(?i)`: nothing to match
      items.push(atom);
      lastRepeatable = true;
    }
    if (items.length === 0) return { t: "empty" };
    return items.length === 1 ? items[0] : { t: "cat", items };
  }

  /** Whether a valid `{n}`, `{n,}` or `{n,m}` starts at `at` (otherwise `{` is a literal, as in Go). */
  private repeatAt(at: number): boolean {
    return /^\{\d+(,\d*)?\}/.test(this.src.slice(at, at + 24));
  }

  private quantifier(): [number, number] {
    const ch = this.src[this.i++];
    if (ch === "*") return [0, -1];
    if (ch === "+") return [1, -1];
    if (ch === "?") return [0, 1];
    const m = /^(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i))!;
    this.i += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? -1 : Number(m[3]);
    if (min > MAX_REPEAT || max > MAX_REPEAT || (max !== -1 && max < min)) this.err(`invalid repeat count: \`${m[0]}\``);
    return [min, max];
  }

  private atom(flags: Flags, depth: number): RNode | null {
    const c = this.next();
    switch (c) {
      case 0x28: // (
        return this.group(flags, depth);
      case 0x5b: // [
        return this.charClass(flags);
      case 0x2e: // .
        return { t: "char", p: flags.s ? () => true : (x) => x !== 10 };
      case 0x5e: // ^
        return { t: "assert", kind: flags.m ? "bol" : "bot" };
      case 0x24: // $
        return { t: "assert", kind: flags.m ? "eol" : "eot" };
      case 0x5c: // \
        return this.escape(flags);
      default:
        return { t: "char", p: literal(c, flags.i) };
    }
  }

  private group(flags: Flags, depth: number): RNode | null {
    const rest = this.src.slice(this.i);
    if (rest.startsWith("?")) {
      if (/^\?(=|!|<=|<!)/.test(rest)) this.err("lookahead and lookbehind `(?=`, `(?!`, `(?<=`, `(?<!` are not supported (RE2)");
      if (rest.startsWith("?P=")) this.err("backreferences `(?P=name)` are not supported (RE2)");
      const named = /^\?P?<([^>]*)>/.exec(rest);
      if (named) {
        if (!/^[A-Za-z0-9_]+$/.test(named[1])) this.err(`invalid named capture: \`(${named[0]}\``);
        if (this.names.has(named[1])) this.err(`duplicate capture group name: \`${named[1]}\``);
        this.names.add(named[1]);
        this.i += named[0].length;
        return this.capture(flags, depth);
      }
      const fl = /^\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
      const nonCapturing = fl !== null && fl[1] === "" && fl[2] === undefined && fl[3] === ":";
      if (!fl || (fl[1] === "" && fl[2] === undefined && !nonCapturing) || fl[2] === "") this.err(`invalid or unsupported Perl syntax: \`(${rest.slice(0, 3)}\``);
      const set = { ...flags };
      for (const [letters, on] of [
        [fl[1], true],
        [fl[2] ?? "", false],
      ] as const) {
        for (const f of letters) {
          if (f !== "i" && f !== "m" && f !== "s" && f !== "U") this.err(`invalid or unsupported Perl syntax: \`(${fl[0]}\``);
          set[f] = on;
        }
      }
      this.i += fl[0].length;
      if (fl[3] === ")") {
        // `(?i)`: the flags hold for the rest of the enclosing group
        Object.assign(flags, set);
        return null;
      }
      const inner = this.alternation(set, depth + 1);
      this.close();
      return inner;
    }
    return this.capture(flags, depth);
  }

  private capture(flags: Flags, depth: number): RNode {
    const index = ++this.groups;
    const inner = this.alternation({ ...flags }, depth + 1);
    this.close();
    return { t: "cap", index, item: inner };
  }

  private close(): void {
    if (this.src[this.i] !== ")") this.err("missing closing )");
    this.i++;
  }

  /** An escape outside a class: an assertion, a class or a literal. */
  private escape(flags: Flags): RNode {
    const c = this.src[this.i];
    if (c === undefined) this.err("trailing backslash at end of expression");
    switch (c) {
      case "A":
        this.i++;
        return { t: "assert", kind: "bot" };
      case "z":
        this.i++;
        return { t: "assert", kind: "eot" };
      case "b":
        this.i++;
        return { t: "assert", kind: "wb" };
      case "B":
        this.i++;
        return { t: "assert", kind: "nwb" };
      case "Q": {
        this.i++;
        const end = this.src.indexOf("\\E", this.i);
        const text = end < 0 ? this.src.slice(this.i) : this.src.slice(this.i, end);
        this.i = end < 0 ? this.src.length : end + 2;
        const items: RNode[] = Array.from(text, (ch) => ({ t: "char", p: literal(ch.codePointAt(0)!, flags.i) }) as RNode);
        return items.length === 0 ? { t: "empty" } : items.length === 1 ? items[0] : { t: "cat", items };
      }
    }
    const p = this.escapeChar(flags);
    return { t: "char", p: flags.i ? folding(p) : p };
  }

  /** An escape giving one character or a class of them, inside or outside `[...]`. */
  private escapeChar(flags: Flags): Pred {
    const c = this.src[this.i++];
    switch (c) {
      case "d":
        return isDigit;
      case "D":
        return not(isDigit);
      case "s":
        return isSpace;
      case "S":
        return not(isSpace);
      case "w":
        return isWord;
      case "W":
        return not(isWord);
      case "p":
      case "P": {
        let name: string;
        if (this.src[this.i] === "{") {
          const end = this.src.indexOf("}", this.i);
          if (end < 0) this.err("invalid character class range: missing }");
          name = this.src.slice(this.i + 1, end);
          this.i = end + 1;
        } else {
          name = String.fromCodePoint(this.next());
        }
        let negated = c === "P";
        if (name.startsWith("^")) {
          negated = !negated;
          name = name.slice(1);
        }
        const p = unicodeClass(name);
        if (!p) this.err(`invalid character class range: \`\\${c}{${name}}\``);
        return negated ? not(p) : p;
      }
    }
    return literal(this.escapeCode(c), false);
  }

  /** The character an escape stands for (`\n`, `\x41`, `\x{263a}`, `\101`, `\.`). */
  private escapeCode(c: string): number {
    if (c >= "1" && c <= "9") {
      const nextCh = this.src[this.i];
      if (c >= "8" || nextCh === undefined || nextCh < "0" || nextCh > "7") {
        this.err(`backreferences like \`\\${c}\` are not supported (RE2)`);
      }
    }
    if (c >= "0" && c <= "7") {
      let digits = c;
      while (digits.length < 3 && this.src[this.i] >= "0" && this.src[this.i] <= "7") digits += this.src[this.i++];
      return parseInt(digits, 8);
    }
    switch (c) {
      case "a":
        return 7;
      case "f":
        return 12;
      case "t":
        return 9;
      case "n":
        return 10;
      case "r":
        return 13;
      case "v":
        return 11;
      case "x": {
        if (this.src[this.i] === "{") {
          const end = this.src.indexOf("}", this.i);
          const hex = end < 0 ? "" : this.src.slice(this.i + 1, end);
          if (!HEX.test(hex) || parseInt(hex, 16) > 0x10ffff) this.err("invalid escape sequence: `\\x{`");
          this.i = end + 1;
          return parseInt(hex, 16);
        }
        const hex = this.src.slice(this.i, this.i + 2);
        if (hex.length !== 2 || !HEX.test(hex)) this.err("invalid escape sequence: `\\x`");
        this.i += 2;
        return parseInt(hex, 16);
      }
    }
    // Go lets any ASCII punctuation be escaped
    if (c !== undefined && c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c)) return c.charCodeAt(0);
    this.err(`invalid escape sequence: \`\\${c ?? ""}\``);
  }

  private charClass(flags: Flags): RNode {
    const preds: Pred[] = [];
    const ranges: [number, number][] = [];
    let negated = false;
    if (this.src[this.i] === "^") {
      negated = true;
      this.i++;
    }
    let first = true;
    for (;;) {
      if (this.i >= this.src.length) this.err("missing closing ]");
      if (this.src[this.i] === "]" && !first) {
        this.i++;
        break;
      }
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.i, this.i + 12));
      if (posix) {
        const p = POSIX[posix[2]];
        if (!p) this.err(`invalid character class range: \`${posix[0]}\``);
        preds.push(posix[1] ? not(p) : p);
        this.i += posix[0].length;
        continue;
      }
      const lo = this.classChar(preds);
      if (lo === undefined) continue;
      if (this.src[this.i] === "-" && this.src[this.i + 1] !== "]" && this.i + 1 < this.src.length) {
        this.i++;
        const hi = this.classChar(preds);
        if (hi === undefined || hi < lo) this.err("invalid character class range");
        ranges.push([lo, hi]);
      } else {
        ranges.push([lo, lo]);
      }
    }
    const inSet: Pred = (c) => {
      for (const [lo, hi] of ranges) if (c >= lo && c <= hi) return true;
      for (const p of preds) if (p(c)) return true;
      return false;
    };
    const folded = flags.i ? folding(inSet) : inSet;
    return { t: "char", p: negated ? not(folded) : folded };
  }

  /** One character of a class, or undefined when it was a class escape (`\d`, `\pL`), pushed to `preds`. */
  private classChar(preds: Pred[]): number | undefined {
    const c = this.next();
    if (c !== 0x5c) return c;
    const e = this.src[this.i];
    if (e === "d" || e === "D" || e === "s" || e === "S" || e === "w" || e === "W" || e === "p" || e === "P") {
      preds.push(this.escapeChar({ i: false, m: false, s: false, U: false }));
      return undefined;
    }
    this.i++;
    return this.escapeCode(e);
  }
}

// --- compiler ---

const CHAR = 0;
const SPLIT = 1;
const JMP = 2;
const SAVE = 3;
const ASSERT = 4;
const MATCH = 5;

type Inst = { op: number; x: number; y: number; p?: Pred; kind?: AssertKind };

class Compiler {
  readonly prog: Inst[] = [];

  constructor(private readonly pattern: string) {}

  private emit(inst: Inst): number {
    if (this.prog.length >= MAX_PROGRAM) fail("expression too large", this.pattern);
    this.prog.push(inst);
    return this.prog.length - 1;
  }

  compile(n: RNode): void {
    switch (n.t) {
      case "empty":
        return;
      case "char":
        this.emit({ op: CHAR, x: 0, y: 0, p: n.p });
        return;
      case "assert":
        this.emit({ op: ASSERT, x: 0, y: 0, kind: n.kind });
        return;
      case "cat":
        for (const item of n.items) this.compile(item);
        return;
      case "cap":
        this.emit({ op: SAVE, x: 2 * n.index, y: 0 });
        this.compile(n.item);
        this.emit({ op: SAVE, x: 2 * n.index + 1, y: 0 });
        return;
      case "alt": {
        const jumps: number[] = [];
        for (let k = 0; k < n.items.length - 1; k++) {
          const split = this.emit({ op: SPLIT, x: 0, y: 0 });
          this.prog[split].x = this.prog.length;
          this.compile(n.items[k]);
          jumps.push(this.emit({ op: JMP, x: 0, y: 0 }));
          this.prog[split].y = this.prog.length;
        }
        this.compile(n.items[n.items.length - 1]);
        for (const j of jumps) this.prog[j].x = this.prog.length;
        return;
      }
      case "rep": {
        for (let k = 0; k < n.min; k++) this.compile(n.item);
        if (n.max === -1) {
          const split = this.emit({ op: SPLIT, x: 0, y: 0 });
          this.compile(n.item);
          this.emit({ op: JMP, x: split, y: 0 });
          this.branch(split, split + 1, this.prog.length, n.greedy);
          return;
        }
        const splits: number[] = [];
        for (let k = n.min; k < n.max; k++) {
          splits.push(this.emit({ op: SPLIT, x: 0, y: 0 }));
          this.compile(n.item);
        }
        for (const s of splits) this.branch(s, s + 1, this.prog.length, n.greedy);
        return;
      }
    }
  }

  private branch(at: number, into: number, out: number, greedy: boolean): void {
    this.prog[at].x = greedy ? into : out;
    this.prog[at].y = greedy ? out : into;
  }
}

// --- Pike VM ---

type Thread = { pc: number; caps: number[] };

function isWordAt(c: number): boolean {
  return c >= 0 && isWord(c);
}

function compileProgram(pattern: string, flags: string): { prog: Inst[]; groups: number } {
  const parser = new Parser(pattern);
  const tree = parser.parse({ i: flags.includes("i"), m: flags.includes("m"), s: flags.includes("s"), U: false });
  const compiler = new Compiler(pattern);
  compiler.compile({ t: "cap", index: 0, item: tree });
  compiler.prog.push({ op: MATCH, x: 0, y: 0 });
  return { prog: compiler.prog, groups: parser.groups };
}

function run(prog: Inst[], ncap: number, input: string): (string | undefined)[] | null {
  const n = input.length;
  const anchored = prog[1]?.op === ASSERT && prog[1].kind === "bot";
  const mark = new Int32Array(prog.length).fill(-1);
  let gen = 0;
  let matched: number[] | null = null;
  let clist: Thread[] = [];

  // Follows jumps, splits, saves and assertions from `pc` at position `i`, in priority order.
  const add = (list: Thread[], pc: number, caps: number[], i: number, prev: number, cur: number): void => {
    if (mark[pc] === gen) return;
    mark[pc] = gen;
    const inst = prog[pc];
    switch (inst.op) {
      case JMP:
        add(list, inst.x, caps, i, prev, cur);
        return;
      case SPLIT:
        add(list, inst.x, caps, i, prev, cur);
        add(list, inst.y, caps, i, prev, cur);
        return;
      case SAVE: {
        const copy = caps.slice();
        copy[inst.x] = i;
        add(list, pc + 1, copy, i, prev, cur);
        return;
      }
      case ASSERT: {
        let ok: boolean;
        switch (inst.kind) {
          case "bot":
            ok = i === 0;
            break;
          case "eot":
            ok = i === n;
            break;
          case "bol":
            ok = i === 0 || prev === 10;
            break;
          case "eol":
            ok = i === n || cur === 10;
            break;
          case "wb":
            ok = isWordAt(prev) !== isWordAt(cur);
            break;
          default:
            ok = isWordAt(prev) === isWordAt(cur);
        }
        if (ok) add(list, pc + 1, caps, i, prev, cur);
        return;
      }
      default:
        list.push({ pc, caps });
    }
  };

  const empty = new Array<number>(ncap * 2).fill(-1);
  let prev = -1;
  for (let i = 0; ; ) {
    const cur = i < n ? input.codePointAt(i)! : -1;
    if (matched === null && (!anchored || i === 0)) add(clist, 0, empty, i, prev, cur);
    if (clist.length === 0 && (matched !== null || anchored || cur < 0)) break;
    const nextI = cur > 0xffff ? i + 2 : i + 1;
    gen++;
    const nlist: Thread[] = [];
    const after = nextI < n ? input.codePointAt(nextI)! : -1;
    for (const t of clist) {
      const inst = prog[t.pc];
      if (inst.op === MATCH) {
        matched = t.caps;
        break; // lower-priority threads lose (leftmost-first)
      }
      if (cur >= 0 && inst.p!(cur)) add(nlist, t.pc + 1, t.caps, nextI, cur, after);
    }
    clist = nlist;
    if (cur < 0) break;
    prev = cur;
    i = nextI;
  }
  if (!matched) return null;
  const out: (string | undefined)[] = [];
  for (let g = 0; g < ncap; g++) {
    const a = matched[2 * g];
    const b = matched[2 * g + 1];
    out.push(a >= 0 && b >= 0 ? input.slice(a, b) : undefined);
  }
  return out;
}

const cache = new Map<string, { prog: Inst[]; groups: number } | RegexError>();

/**
 * Compiles a Go (RE2) regular expression; `flags` are Go's (`i`, `m`, `s`) as if given as a `(?flags)`
 * prefix. Throws SyntaxError, with RE2's reason, for a pattern RE2 rejects. Matching takes time linear
 * in the input.
 */
export function compileGoRegex(pattern: string, flags: string): GoRegex {
  const key = flags + "/" + pattern;
  let compiled = cache.get(key);
  if (!compiled) {
    try {
      compiled = compileProgram(pattern, flags);
    } catch (e) {
      if (!(e instanceof RegexError)) throw e;
      compiled = e;
    }
    if (cache.size >= 500) cache.clear();
    cache.set(key, compiled);
  }
  if (compiled instanceof RegexError) throw compiled;
  const { prog, groups } = compiled;
  return {
    groups,
    exec(input: string) {
      if (prog.length * input.length > MAX_WORK) {
        throw new RegexError(`text too long (${input.length} characters) to match against \`${pattern}\``);
      }
      return run(prog, groups + 1, input);
    },
  };
}
