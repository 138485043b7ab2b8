/** Words as goflow's TokenizeString sees them: runs of letters, digits, marks and `_`; each emoji on its own. */
const WORD = /[\p{L}\p{N}\p{M}_]+|\p{Extended_Pictographic}/gu;

export interface Word {
  text: string;
  start: number;
  end: number;
}

export function tokenizeWithPositions(s: string): Word[] {
  return [...s.matchAll(WORD)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length }));
}

export function tokenize(s: string): string[] {
  return s.match(WORD) ?? [];
}

/** Splits on any of the given characters, dropping empty pieces (goflow's TokenizeStringByChars). */
export function tokenizeByChars(s: string, chars: string): string[] {
  const set = new Set(Array.from(chars));
  const out: string[] = [];
  let current = "";
  for (const ch of s) {
    if (set.has(ch)) {
      if (current !== "") out.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  if (current !== "") out.push(current);
  return out;
}
