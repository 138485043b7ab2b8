/** A location hierarchy as goflow reads it: country (level 0) > state > district > ward. */
export interface LocationNode {
  name: string;
  aliases?: string[];
  children?: LocationNode[];
}

export type LocationHierarchy = LocationNode;

export const LEVEL_STATE = 1;
export const LEVEL_DISTRICT = 2;
export const LEVEL_WARD = 3;

/** A location with the path from the root, rendered `Rwanda > Kigali City > Gasabo`. */
export interface Location {
  node: LocationNode;
  path: string;
  level: number;
}

function* walk(node: LocationNode, level: number, path: string): Generator<Location> {
  yield { node, path, level };
  for (const child of node.children ?? []) yield* walk(child, level + 1, `${path} > ${child.name}`);
}

function findExact(root: LocationNode, name: string, level: number, parent: Location | null): Location[] {
  const wanted = name.trim().toLowerCase();
  if (wanted === "") return [];
  const found: Location[] = [];
  const start = parent ?? { node: root, path: root.name, level: 0 };
  for (const loc of walk(start.node, start.level, start.path)) {
    if (loc.level !== level) continue;
    if (loc.node.name.toLowerCase() === wanted || (loc.node.aliases ?? []).some((a) => a.toLowerCase() === wanted)) {
      found.push(loc);
    }
  }
  return found;
}

const NON_WORD = /[^\p{L}\p{N}\p{M}_]+/u;

/**
 * goflow's fuzzy lookup: the whole text, then the text without punctuation, then each word, then
 * each pair of adjacent words, matched case-insensitively against names and aliases at `level`.
 */
export function findLocationsFuzzy(root: LocationNode, text: string, level: number, parent: Location | null): Location[] {
  let found = findExact(root, text, level, parent);
  if (found.length) return found;
  found = findExact(root, text.replace(new RegExp(NON_WORD.source, "gu"), ""), level, parent);
  if (found.length) return found;
  const words = text.split(NON_WORD).filter((w) => w !== "");
  for (const word of words) {
    found = findExact(root, word, level, parent);
    if (found.length) return found;
  }
  for (let i = 0; i + 1 < words.length; i++) {
    found = findExact(root, `${words[i]} ${words[i + 1]}`, level, parent);
    if (found.length) return found;
  }
  return [];
}
