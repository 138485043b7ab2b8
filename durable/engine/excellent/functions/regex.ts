/**
 * Compiles a Go (RE2) regular expression as a JS one: named groups `(?P<n>...)` and leading
 * inline flags `(?i)` are translated; unicode mode is used when the pattern allows it.
 * Throws SyntaxError for an invalid pattern.
 */
export function compileGoRegex(pattern: string, flags: string): RegExp {
  let p = pattern.replace(/\(\?P</g, "(?<");
  const inline = /^\(\?([imsU]+)\)/.exec(p);
  const all = new Set(flags);
  if (inline) {
    p = p.slice(inline[0].length);
    for (const f of inline[1]) if (f !== "U") all.add(f);
  }
  const base = [...all].join("");
  try {
    return new RegExp(p, base + "u");
  } catch {
    // Go allows escaping any punctuation (e.g. `\-`, `\_`), which unicode mode rejects
    return new RegExp(p, base);
  }
}
