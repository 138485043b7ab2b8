/** Summary helpers: node text stays short so a 300-node canvas stays readable. */
export const clip = (text: string | undefined, max = 120): string => {
  const t = (text ?? "").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;

export const names = (refs: ({ name?: string; name_match?: string } | Record<string, unknown>)[] | undefined): string =>
  (refs ?? []).map((r) => String((r as { name?: string }).name ?? (r as { name_match?: string }).name_match ?? "?")).join(", ");
