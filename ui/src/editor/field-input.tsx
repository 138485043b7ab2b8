import type { FieldSpec } from "../elements/types";
import type { AssetItem, Assets } from "./assets";
import type { Names } from "./codemirror";
import { ExpressionInput } from "./expression-input";
import { newUuid } from "./model";
import { SegmentsInput } from "./segment-builder";

type Props = { spec: FieldSpec; value: unknown; onChange(value: unknown): void; id: string; readOnly: boolean; assets: Assets; names(): Names };

/** One field of an element's description, rendered by its kind. */
export function FieldInput({ spec, value, onChange, id, readOnly, assets, names }: Props) {
  const label = (
    <label for={id} class="field-label">
      {spec.label}
      {spec.required && <span aria-hidden="true"> *</span>}
    </label>
  );
  const help = spec.help && <small class="field-help">{spec.help}</small>;
  const tooLong = (s: string, max?: number) => (max && s.length > max ? <p class="field-error" role="alert">{`at most ${max} characters (${s.length})`}</p> : null);

  switch (spec.kind) {
    case "text": {
      const text = typeof value === "string" ? value : "";
      return (
        <div class="field">
          {label}
          {spec.expression ? (
            <ExpressionInput value={text} onChange={onChange} label={spec.label} multiline={spec.multiline} placeholder={spec.placeholder} readOnly={readOnly} names={names} />
          ) : (
            <input id={id} value={text} placeholder={spec.placeholder} readOnly={readOnly} onInput={(e) => onChange((e.target as HTMLInputElement).value)} />
          )}
          {tooLong(text, spec.max)}
          {help}
        </div>
      );
    }
    case "list": {
      const items = Array.isArray(value) ? (value as string[]) : [];
      const set = (next: string[]) => onChange(next);
      return (
        <div class="field" role="group" aria-labelledby={`${id}-label`}>
          <span id={`${id}-label`} class="field-label">
            {spec.label}
          </span>
          {items.map((item, i) => (
            <div class="list-item" key={i}>
              <input
                aria-label={`${spec.label} ${i + 1}`}
                value={item}
                placeholder={spec.placeholder}
                readOnly={readOnly}
                onInput={(e) => set(items.map((x, j) => (j === i ? (e.target as HTMLInputElement).value : x)))}
              />
              {!readOnly && (
                <button type="button" class="icon" aria-label={`Remove ${spec.label.toLowerCase()} ${i + 1}`} onClick={() => set(items.filter((_, j) => j !== i))}>
                  ×
                </button>
              )}
              {tooLong(item, spec.itemMax)}
            </div>
          ))}
          {!readOnly && (!spec.max || items.length < spec.max) && (
            <button type="button" class="link" onClick={() => set([...items, ""])}>
              + {spec.label.toLowerCase()}
            </button>
          )}
          {spec.max && items.length > spec.max && <p class="field-error">at most {spec.max}</p>}
          {help}
        </div>
      );
    }
    case "select":
      return (
        <div class="field">
          {label}
          <select id={id} value={String(value ?? "")} disabled={readOnly} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
            {spec.options.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      );
    case "number":
      return (
        <div class="field">
          {label}
          <input id={id} type="number" min={spec.min} max={spec.max} value={value === undefined ? "" : String(value)} readOnly={readOnly} onInput={(e) => onChange(Number((e.target as HTMLInputElement).value))} />
        </div>
      );
    case "checkbox":
      return (
        <div class="field checkbox">
          <input id={id} type="checkbox" checked={value === true} disabled={readOnly} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} />
          {label}
        </div>
      );
    case "headers": {
      const entries = Object.entries((value as Record<string, string>) ?? {});
      const set = (next: [string, string][]) => onChange(Object.fromEntries(next));
      const item = spec.item ?? "Header";
      return (
        <div class="field" role="group" aria-label={spec.label}>
          <span class="field-label">{spec.label}</span>
          {entries.map(([k, v], i) => (
            <div class="list-item" key={i}>
              <input aria-label={`${item} ${i + 1} name`} value={k} readOnly={readOnly} onInput={(e) => set(entries.map((x, j) => (j === i ? [(e.target as HTMLInputElement).value, x[1]] : x)))} />
              <input aria-label={`${item} ${i + 1} value`} value={v} readOnly={readOnly} onInput={(e) => set(entries.map((x, j) => (j === i ? [x[0], (e.target as HTMLInputElement).value] : x)))} />
              {!readOnly && (
                <button type="button" class="icon" aria-label={`Remove ${item.toLowerCase()} ${i + 1}`} onClick={() => set(entries.filter((_, j) => j !== i))}>
                  ×
                </button>
              )}
            </div>
          ))}
          {!readOnly && (
            <button type="button" class="link" onClick={() => set([...entries, ["", ""]])}>
              + {item.toLowerCase()}
            </button>
          )}
          {help}
        </div>
      );
    }
    case "choices": {
      const chosen = new Set(Array.isArray(value) ? (value as string[]) : []);
      return (
        <fieldset class="field choices">
          <legend class="field-label">{spec.label}</legend>
          {spec.options.map((o) => (
            <label key={o.value} class="choice">
              <input
                type="checkbox"
                checked={chosen.has(o.value)}
                disabled={readOnly}
                onChange={(e) => onChange(spec.options.map((x) => x.value).filter((v) => (v === o.value ? (e.target as HTMLInputElement).checked : chosen.has(v))))}
              />
              {o.label}
            </label>
          ))}
          {help}
        </fieldset>
      );
    }
    case "rows": {
      const rows = Array.isArray(value) ? (value as Record<string, string | undefined>[]) : [];
      const set = (i: number, key: string, v: string) => onChange(rows.map((r, j) => (j === i ? { ...r, [key]: v } : r)));
      return (
        <div class="field" role="group" aria-labelledby={`${id}-label`}>
          <span id={`${id}-label`} class="field-label">
            {spec.label}
          </span>
          {rows.map((row, i) => (
            <div class="list-item" key={i}>
              {spec.columns.map((c) =>
                c.options ? (
                  <select key={c.key} aria-label={`${c.label} ${i + 1}`} value={row[c.key] ?? c.options[0].value} disabled={readOnly} onChange={(e) => set(i, c.key, (e.target as HTMLSelectElement).value)}>
                    {c.options.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                ) : (
                  <input key={c.key} aria-label={`${c.label} ${i + 1}`} placeholder={c.label.toLowerCase()} value={row[c.key] ?? ""} readOnly={readOnly} onInput={(e) => set(i, c.key, (e.target as HTMLInputElement).value)} />
                ),
              )}
              {!readOnly && (
                <button type="button" class="icon" aria-label={`Remove ${spec.label.toLowerCase()} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                  ×
                </button>
              )}
            </div>
          ))}
          {!readOnly && (!spec.max || rows.length < spec.max) && (
            <button type="button" class="link" onClick={() => onChange([...rows, Object.fromEntries(spec.columns.map((c) => [c.key, c.options?.[0].value ?? ""]))])}>
              + {spec.label.toLowerCase()}
            </button>
          )}
          {help}
        </div>
      );
    }
    case "segments":
      return <SegmentsInput value={value} onChange={onChange} readOnly={readOnly} assets={assets} />;
    case "ref":
      return <RefInput spec={spec} value={value} onChange={onChange} id={id} readOnly={readOnly} items={assets[spec.asset]} label={label} />;
  }
}

type RefSpec = Extract<FieldSpec, { kind: "ref" }>;

/**
 * A reference by name: known assets come from the API; a name not known yet makes a new
 * reference (a field gets a snake_case key), which publishing lists as a missing dependency.
 */
function RefInput({ spec, value, onChange, id, readOnly, items, label }: { spec: RefSpec; value: unknown; onChange(v: unknown): void; id: string; readOnly: boolean; items: AssetItem[]; label: preact.JSX.Element }) {
  const toRef = (name: string): unknown => {
    const known = items.find((i) => i.name.toLowerCase() === name.trim().toLowerCase());
    if (spec.asset === "fields") {
      const key = known?.key ?? name.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
      return { key, name: known?.name ?? name.trim() };
    }
    if (spec.asset === "users") return { name: name.trim(), ...(known?.uuid ? { uuid: known.uuid } : {}) };
    return { uuid: known?.uuid ?? newUuid(), name: known?.name ?? name.trim() };
  };
  const listId = `${id}-options`;
  const options = (
    <datalist id={listId}>
      {items.map((i) => (
        <option key={i.uuid ?? i.key} value={i.name} />
      ))}
    </datalist>
  );
  if (spec.multiple) {
    const refs = Array.isArray(value) ? (value as { name?: string; name_match?: string }[]) : [];
    return (
      <div class="field" role="group" aria-labelledby={`${id}-label`}>
        <span id={`${id}-label`} class="field-label">
          {spec.label}
        </span>
        <ul class="chips">
          {refs.map((r, i) => (
            <li key={i}>
              {r.name ?? r.name_match}
              {!readOnly && (
                <button type="button" class="icon" aria-label={`Remove ${r.name ?? r.name_match}`} onClick={() => onChange(refs.filter((_, j) => j !== i))}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
        {!readOnly && (
          <input
            id={id}
            list={listId}
            aria-label={`Add to ${spec.label.toLowerCase()}`}
            placeholder="type a name, then Enter"
            onKeyDown={(e) => {
              const input = e.target as HTMLInputElement;
              if (e.key === "Enter" && input.value.trim()) {
                e.preventDefault();
                onChange([...refs, toRef(input.value)]);
                input.value = "";
              }
            }}
            onChange={(e) => {
              const input = e.target as HTMLInputElement;
              if (items.some((i) => i.name === input.value)) {
                onChange([...refs, toRef(input.value)]);
                input.value = "";
              }
            }}
          />
        )}
        {options}
      </div>
    );
  }
  const ref = value as { name?: string } | null | undefined;
  return (
    <div class="field">
      {label}
      <input
        id={id}
        list={listId}
        value={ref?.name ?? ""}
        readOnly={readOnly}
        placeholder={spec.nullable ? "none" : "type a name"}
        onChange={(e) => {
          const name = (e.target as HTMLInputElement).value;
          onChange(name.trim() ? toRef(name) : spec.nullable ? null : undefined);
        }}
      />
      {options}
    </div>
  );
}
