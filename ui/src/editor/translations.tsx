import { useMemo, useState } from "preact/hooks";
import { actionElement, elementName } from "../elements/registry";
import { testSpec } from "../elements/tests";
import type { Definition } from "./model";

type Edit = (fn: (d: Definition) => Definition, coalesce?: string) => void;

/** One translatable text: an action property, a category name or a rule's arguments. */
type Item = { uuid: string; prop: string; where: string; base: string[]; list: boolean };

/** Every translatable text of the flow, in node order, as goflow's localization keys them. */
export function translatableItems(d: Definition): Item[] {
  const items: Item[] = [];
  d.nodes.forEach((n, i) => {
    for (const a of n.actions) {
      const element = actionElement(a.type);
      for (const prop of element?.localizable ?? []) {
        const v = (a as Record<string, unknown>)[prop];
        const base = Array.isArray(v) ? (v as string[]) : typeof v === "string" ? [v] : [];
        if (base.some((x) => x.trim())) items.push({ uuid: a.uuid, prop, where: `node ${i + 1} · ${elementName(a)} · ${prop.replace(/_/g, " ")}`, base, list: Array.isArray(v) });
      }
    }
    const r = n.router;
    if (!r) return;
    for (const c of r.categories) items.push({ uuid: c.uuid, prop: "name", where: `node ${i + 1} · category`, base: [c.name], list: false });
    if (r.type === "switch")
      for (const c of r.cases) if (testSpec(c.type).args > 0 && c.type !== "has_group" && c.arguments.some((x) => x.trim())) items.push({ uuid: c.uuid, prop: "arguments", where: `node ${i + 1} · rule (${testSpec(c.type).label})`, base: c.arguments, list: true });
  });
  return items;
}

export function TranslationsPanel({ definition: d, edit, readOnly }: { definition: Definition; edit: Edit; readOnly: boolean }) {
  const languages = Object.keys(d.localization ?? {}).sort();
  const [lang, setLang] = useState(languages[0] ?? "");
  const [onlyMissing, setOnlyMissing] = useState(false);
  const [adding, setAdding] = useState("");
  const items = useMemo(() => translatableItems(d), [d]);
  const tr = (item: Item) => d.localization?.[lang]?.[item.uuid]?.[item.prop];
  const missing = lang ? items.filter((i) => !tr(i)?.some((x) => x.trim())) : [];
  const shown = onlyMissing ? missing : items;

  const set = (item: Item, values: string[]) =>
    edit((cur) => {
      const loc = { ...(cur.localization ?? {}) };
      const byItem = { ...(loc[lang] ?? {}) };
      const props = { ...(byItem[item.uuid] ?? {}) };
      if (values.some((v) => v.trim())) props[item.prop] = values;
      else delete props[item.prop];
      if (Object.keys(props).length) byItem[item.uuid] = props;
      else delete byItem[item.uuid];
      loc[lang] = byItem;
      return { ...cur, localization: loc };
    }, `tr.${lang}.${item.uuid}.${item.prop}`);

  const addLanguage = () => {
    const code = adding.trim().toLowerCase();
    if (!/^[a-z]{3}$/.test(code) || code === d.language) return;
    edit((cur) => ({ ...cur, localization: { ...(cur.localization ?? {}), [code]: cur.localization?.[code] ?? {} } }));
    setLang(code);
    setAdding("");
  };

  return (
    <aside class="side-panel translations" aria-label="Translations">
      <h2>Translations</h2>
      <div class="field">
        <label for="tr-lang" class="field-label">
          Language
        </label>
        <select id="tr-lang" value={lang} onChange={(e) => setLang((e.target as HTMLSelectElement).value)}>
          {!languages.length && <option value="">none yet</option>}
          {languages.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
      </div>
      {!readOnly && (
        <div class="field inline">
          <input aria-label="New language (ISO 639-3 code)" placeholder="fra" value={adding} maxLength={3} onInput={(e) => setAdding((e.target as HTMLInputElement).value)} />
          <button type="button" onClick={addLanguage} disabled={!/^[a-z]{3}$/i.test(adding)}>
            Add language
          </button>
        </div>
      )}
      {lang && (
        <>
          <p class={`translation-count${missing.length ? " missing" : ""}`} role="status">
            {missing.length ? `${missing.length} of ${items.length} texts not translated to ${lang}` : `All ${items.length} texts translated to ${lang}`}
          </p>
          <label class="field checkbox">
            <input type="checkbox" checked={onlyMissing} onChange={(e) => setOnlyMissing((e.target as HTMLInputElement).checked)} /> only what is missing
          </label>
          <table class="translation-table">
            <thead>
              <tr>
                <th scope="col">{d.language}</th>
                <th scope="col">{lang}</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((item) => {
                const value = tr(item) ?? [];
                const text = item.list ? value.join("\n") : value[0] ?? "";
                return (
                  <tr key={`${item.uuid}.${item.prop}`} class={value.some((x) => x.trim()) ? "" : "missing"}>
                    <td>
                      <small>{item.where}</small>
                      <div class="base-text">{item.base.join(item.list ? "\n" : "")}</div>
                    </td>
                    <td>
                      <textarea
                        aria-label={`${lang} for ${item.where}`}
                        rows={Math.min(6, Math.max(1, item.base.join("\n").split("\n").length))}
                        value={text}
                        readOnly={readOnly}
                        placeholder={item.list ? "one a line" : "missing"}
                        onInput={(e) => {
                          const v = (e.target as HTMLTextAreaElement).value;
                          set(item, item.list ? v.split("\n") : [v]);
                        }}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </aside>
  );
}
