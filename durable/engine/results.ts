import type { Scope } from "./actions/base";
import { runResultChanged } from "./events/run";
import { truncate } from "./limits";

/** goflow's `Snakify`: the key a result is stored and referenced under (`Age Group` -> `age_group`). */
export function snakify(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_]+/gu, "_")
    .replace(/^_+|_+$/g, "");
}

/** Saves a result on the scope's run and logs `run_result_changed`. */
export function saveResult(
  s: Scope,
  name: string,
  value: string,
  category: string,
  categoryLocalized: string,
  input: string | undefined,
  extra: unknown,
): void {
  value = truncate(value, s.session.limits.maxResultChars);
  const localized = categoryLocalized !== category ? categoryLocalized : undefined;
  const old = s.run.results?.[snakify(name)];
  s.session.saveResult(s.run, snakify(name), {
    name,
    value,
    ...(category ? { category } : {}),
    ...(localized ? { category_localized: localized } : {}),
    node_uuid: s.node.uuid,
    ...(input ? { input } : {}),
    ...(extra !== undefined && extra !== null ? { extra } : {}),
  });
  s.log(
    runResultChanged({
      name,
      value,
      category,
      ...(localized ? { category_localized: localized } : {}),
      ...(input ? { input } : {}),
      ...(extra !== undefined && extra !== null ? { extra } : {}),
      ...(old ? { previous: { value: old.value, ...(old.category ? { category: old.category } : {}) } } : {}),
    }),
  );
}
