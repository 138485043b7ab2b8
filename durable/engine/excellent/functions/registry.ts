import { routerTests } from "../tests";
import type { XFunction } from "../values/types";
import { arrayFunctions } from "./arrays";
import { dateFunctions } from "./dates";
import { jsonFunctions } from "./json";
import { miscFunctions } from "./misc";
import { numberFunctions } from "./numbers";
import { objectFunctions } from "./objects";
import { textFunctions } from "./text";
import { urnFunctions } from "./urns";

const registry = new Map<string, XFunction>();
for (const f of [
  ...textFunctions,
  ...numberFunctions,
  ...dateFunctions,
  ...arrayFunctions,
  ...objectFunctions,
  ...jsonFunctions,
  ...urnFunctions,
  ...miscFunctions,
  ...routerTests,
]) {
  registry.set(f.name, f);
}

/** A built-in function by (lowercase) name. */
export function lookupFunction(name: string): XFunction | undefined {
  return registry.get(name);
}

export function functionNames(): string[] {
  return [...registry.keys()].sort();
}
