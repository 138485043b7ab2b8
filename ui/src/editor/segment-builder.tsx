import type { EventCondition, SegmentAttributeCondition, SegmentCondition, SegmentEventCondition } from "../../../durable/engine/flow/schema";
import {
  ATTRIBUTES,
  attributeType,
  fieldType,
  newAttributeCondition,
  newEventCondition,
  newGroup,
  operatorsFor,
  PROPERTY_OPERATORS,
  UNITS,
  valueKind,
  type Operator,
  type SegmentRow,
  type ValueType,
} from "../elements/splits/segment-conditions";
import type { AssetItem, Assets } from "./assets";

type Group = { match: "all" | "any"; conditions: SegmentCondition[] };

const isQuerySegment = (r: SegmentRow) => r.conditions?.length === 1 && "query" in r.conditions[0];
const MAX_CONDITIONS = 50;
const MAX_PROPERTY_CONDITIONS = 20;

/**
 * The split by segment's segments: each an exit and either conditions built here (attributes,
 * fields, contact information, last contacted, events, in nested AND/OR groups) or a segment query.
 * Every control is labelled with its position, "1.2.1" being segment 1's second condition's first.
 */
export function SegmentsInput({ value, onChange, readOnly, assets }: { value: unknown; onChange(v: SegmentRow[]): void; readOnly: boolean; assets: Assets }) {
  const rows = Array.isArray(value) ? (value as SegmentRow[]) : [];
  const set = (i: number, patch: Partial<SegmentRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div class="field segments" role="group" aria-label="Segments">
      <span class="field-label">Segments</span>
      <small class="field-help">tried in order: the first the contact is in takes its exit</small>
      {rows.map((r, i) => {
        const n = i + 1;
        const query = isQuerySegment(r);
        return (
          <fieldset class="segment" key={r.category ?? i}>
            <legend>Segment {n}</legend>
            <div class="list-item">
              <input aria-label={`Exit ${n}`} placeholder="exit name" value={r.name ?? ""} maxLength={36} readOnly={readOnly} onInput={(e) => set(i, { name: (e.target as HTMLInputElement).value })} />
              <select
                aria-label={`Segment ${n} made of`}
                value={query ? "query" : "conditions"}
                disabled={readOnly}
                onChange={(e) => set(i, (e.target as HTMLSelectElement).value === "query" ? { match: "all", conditions: [{ query: "" }] } : { match: "all", conditions: [newAttributeCondition()] })}
              >
                <option value="conditions">conditions</option>
                <option value="query">a segment query</option>
              </select>
              {!readOnly && rows.length > 1 && (
                <button type="button" class="icon" aria-label={`Remove segment ${n}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                  ×
                </button>
              )}
            </div>
            {query ? (
              <input
                aria-label={`Segment query ${n}`}
                placeholder='age >= 18 AND plan = "gold"'
                value={String((r.conditions![0] as { query: unknown }).query ?? "")}
                readOnly={readOnly}
                onInput={(e) => set(i, { conditions: [{ query: (e.target as HTMLInputElement).value }] })}
              />
            ) : (
              <GroupInput path={String(n)} group={{ match: r.match ?? "all", conditions: r.conditions ?? [] }} onChange={(g) => set(i, g)} readOnly={readOnly} fields={assets.fields} />
            )}
          </fieldset>
        );
      })}
      {!readOnly && rows.length < 50 && (
        <button type="button" class="link" onClick={() => onChange([...rows, { name: `Segment ${rows.length + 1}`, match: "all", conditions: [newAttributeCondition()] }])}>
          + segment
        </button>
      )}
    </div>
  );
}

type GroupProps = { path: string; group: Group; onChange(g: Group): void; onRemove?(): void; readOnly: boolean; fields: AssetItem[] };

/** Conditions joined by AND (all) or OR (any); a condition may be a group of its own. */
function GroupInput({ path, group, onChange, onRemove, readOnly, fields }: GroupProps) {
  const setAt = (j: number, c: SegmentCondition | undefined) => {
    const conditions = c ? group.conditions.map((x, k) => (k === j ? c : x)) : group.conditions.filter((_, k) => k !== j);
    // A nested group left empty goes: the engine wants at least one condition in a group.
    if (!conditions.length && onRemove) onRemove();
    else onChange({ ...group, conditions });
  };
  const full = group.conditions.length >= MAX_CONDITIONS;
  return (
    <div class="seg-group" role="group" aria-label={`Conditions ${path}`}>
      <div class="list-item">
        <span aria-hidden="true">Contacts who meet</span>
        <select aria-label={`Match ${path}`} value={group.match} disabled={readOnly} onChange={(e) => onChange({ ...group, match: (e.target as HTMLSelectElement).value as Group["match"] })}>
          <option value="all">all of these (AND)</option>
          <option value="any">any of these (OR)</option>
        </select>
        {!readOnly && onRemove && (
          <button type="button" class="icon" aria-label={`Remove group ${path}`} onClick={onRemove}>
            ×
          </button>
        )}
      </div>
      {group.conditions.map((c, j) => {
        const p = `${path}.${j + 1}`;
        return "match" in c ? (
          <GroupInput key={j} path={p} group={c as Group} onChange={(g) => setAt(j, { ...c, ...g })} onRemove={() => setAt(j, undefined)} readOnly={readOnly} fields={fields} />
        ) : (
          <ConditionInput key={j} path={p} condition={c} onChange={(x) => setAt(j, x)} onRemove={() => setAt(j, undefined)} readOnly={readOnly} fields={fields} />
        );
      })}
      {!readOnly && !full && (
        <div class="seg-add">
          <button type="button" class="link" aria-label={`Add a condition to ${path}`} onClick={() => onChange({ ...group, conditions: [...group.conditions, newAttributeCondition()] })}>
            + condition
          </button>
          <button type="button" class="link" aria-label={`Add a group to ${path}`} onClick={() => onChange({ ...group, conditions: [...group.conditions, newGroup()] })}>
            + group
          </button>
        </div>
      )}
    </div>
  );
}

type ConditionProps = { path: string; condition: SegmentCondition; onChange(c: SegmentCondition): void; onRemove(): void; readOnly: boolean; fields: AssetItem[] };

/** What a condition is about, as the subject select names it. */
const subjectOf = (c: SegmentCondition): string =>
  "event" in c ? "event" : "query" in c ? "query" : (c as SegmentAttributeCondition).field ? `field:${(c as SegmentAttributeCondition).field!.key}` : `attribute:${(c as SegmentAttributeCondition).attribute}`;

/** The operator kept when the subject changes, if the new type takes it, else the family's first; the value follows what it needs. */
function withOperator(c: SegmentAttributeCondition, op: Operator): SegmentAttributeCondition {
  const next: SegmentAttributeCondition = { ...c, operator: op };
  const kind = valueKind(op);
  if (kind === "none") delete next.value;
  else if (kind === "amount") next.value = Number.isFinite(Number(c.value)) && c.value !== "" && c.value !== undefined ? c.value : "1";
  else next.value = c.value ?? "";
  if (kind === "amount") next.unit = c.unit ?? "days";
  else delete next.unit;
  return next;
}

function ConditionInput({ path, condition: c, onChange, onRemove, readOnly, fields }: ConditionProps) {
  const label = `Condition ${path}`;
  const subject = subjectOf(c);
  const field = (key: string) => fields.find((f) => f.key === key);
  const typeOf = (s: string): ValueType => (s.startsWith("field:") ? fieldType(field(s.slice(6))?.type) : attributeType(s.slice("attribute:".length)));
  const choose = (s: string) => {
    if (s === subject) return;
    if (s === "event") return onChange(newEventCondition());
    if (s === "query") return onChange({ query: "" });
    const base: SegmentAttributeCondition = s.startsWith("field:")
      ? { field: { key: s.slice(6), name: field(s.slice(6))?.name ?? s.slice(6) }, operator: "is" }
      : { attribute: s.slice("attribute:".length), operator: "is" };
    const old = "operator" in c ? (c as SegmentAttributeCondition) : undefined;
    const ops = operatorsFor(typeOf(s)).map((o) => o.value);
    onChange(withOperator({ ...base, ...(old?.value !== undefined ? { value: old.value } : {}) }, old && ops.includes(old.operator) ? old.operator : ops[0]));
  };
  // A field the workspace does not list (yet), or a URN scheme the list does not name, is still shown as itself.
  const unknownField = subject.startsWith("field:") && !field(subject.slice(6));
  const unknownAttribute = subject.startsWith("attribute:") && !ATTRIBUTES.some((a) => `attribute:${a.value}` === subject);
  return (
    <div class="seg-condition" role="group" aria-label={label}>
      <div class="list-item">
        <select aria-label={label} value={subject} disabled={readOnly} onChange={(e) => choose((e.target as HTMLSelectElement).value)}>
          {unknownAttribute && <option value={subject}>{subject.slice("attribute:".length)}</option>}
          {(["Contact", "Contact information", "Channel"] as const).map((g) => (
            <optgroup key={g} label={g}>
              {ATTRIBUTES.filter((a) => a.group === g).map((a) => (
                <option key={a.value} value={`attribute:${a.value}`}>
                  {a.label}
                </option>
              ))}
            </optgroup>
          ))}
          <optgroup label="Fields">
            {unknownField && <option value={subject}>{(c as SegmentAttributeCondition).field!.name}</option>}
            {fields.map((f) => (
              <option key={f.key} value={`field:${f.key}`}>
                {f.name}
              </option>
            ))}
          </optgroup>
          <optgroup label="Other">
            <option value="event">an event…</option>
            <option value="query">a segment query</option>
          </optgroup>
        </select>
        {/* An attribute's operator and value follow on the same line ("Plan is gold"). */}
        {!("event" in c) && !("query" in c) && <AttributeInput label={label} c={c as SegmentAttributeCondition} type={typeOf(subject)} onChange={onChange} readOnly={readOnly} />}
        {!readOnly && (
          <button type="button" class="icon" aria-label={`Remove condition ${path}`} onClick={onRemove}>
            ×
          </button>
        )}
      </div>
      {"event" in c && <EventInput label={label} c={c as SegmentEventCondition} onChange={onChange} readOnly={readOnly} />}
      {"query" in c && (
        <input aria-label={`${label} query`} placeholder='plan = "gold"' value={String(c.query ?? "")} readOnly={readOnly} onInput={(e) => onChange({ query: (e.target as HTMLInputElement).value })} />
      )}
    </div>
  );
}

function AttributeInput({ label, c, type, onChange, readOnly }: { label: string; c: SegmentAttributeCondition; type: ValueType; onChange(c: SegmentCondition): void; readOnly: boolean }) {
  const ops = operatorsFor(type);
  const kind = valueKind(c.operator);
  return (
    <>
      <select aria-label={`${label} operator`} value={c.operator} disabled={readOnly} onChange={(e) => onChange(withOperator(c, (e.target as HTMLSelectElement).value as Operator))}>
        {!ops.some((o) => o.value === c.operator) && <option value={c.operator}>{c.operator}</option>}
        {ops.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {kind === "value" && (
        <input
          aria-label={`${label} value`}
          inputMode={type === "number" ? "decimal" : undefined}
          placeholder={type === "date" ? "a date, or @fields.…" : type === "number" ? "a number" : "value"}
          value={c.value ?? ""}
          readOnly={readOnly}
          onInput={(e) => onChange({ ...c, value: (e.target as HTMLInputElement).value })}
        />
      )}
      {kind === "amount" && (
        <>
          <input aria-label={`${label} amount`} type="number" min={0} value={c.value ?? ""} readOnly={readOnly} onInput={(e) => onChange({ ...c, value: (e.target as HTMLInputElement).value })} />
          <select aria-label={`${label} unit`} value={c.unit ?? "days"} disabled={readOnly} onChange={(e) => onChange({ ...c, unit: (e.target as HTMLSelectElement).value as SegmentAttributeCondition["unit"] })}>
            {UNITS.map((u) => (
              <option key={u.value} value={u.value}>
                {u.label}
              </option>
            ))}
          </select>
        </>
      )}
    </>
  );
}

/** "Performed purchase in the last 30 days where amount ≥ 100." */
function EventInput({ label, c, onChange, readOnly }: { label: string; c: SegmentEventCondition; onChange(c: SegmentCondition): void; readOnly: boolean }) {
  const setProperty = (k: number, patch: Partial<EventCondition> | undefined) =>
    onChange({ ...c, conditions: patch ? c.conditions.map((x, j) => (j === k ? withPropertyOperator({ ...x, ...patch }) : x)) : c.conditions.filter((_, j) => j !== k) });
  return (
    <>
      <div class="list-item">
        <select aria-label={`${label} performed`} value={c.performed === false ? "no" : "yes"} disabled={readOnly} onChange={(e) => onChange({ ...c, performed: (e.target as HTMLSelectElement).value === "yes" })}>
          <option value="yes">performed</option>
          <option value="no">did not perform</option>
        </select>
        <input aria-label={`${label} event name`} placeholder="event name" maxLength={128} value={c.event} readOnly={readOnly} onInput={(e) => onChange({ ...c, event: (e.target as HTMLInputElement).value })} />
      </div>
      <div class="list-item">
        <span aria-hidden="true">in the last</span>
        <input aria-label={`${label} in the last`} type="number" min={1} value={String(c.within.amount)} readOnly={readOnly} onInput={(e) => onChange({ ...c, within: { ...c.within, amount: Number((e.target as HTMLInputElement).value) } })} />
        <select aria-label={`${label} window unit`} value={c.within.unit} disabled={readOnly} onChange={(e) => onChange({ ...c, within: { ...c.within, unit: (e.target as HTMLSelectElement).value as SegmentEventCondition["within"]["unit"] } })}>
          {UNITS.map((u) => (
            <option key={u.value} value={u.value}>
              {u.label}
            </option>
          ))}
        </select>
      </div>
      {c.conditions.map((k, j) => (
        <div class="list-item" key={j}>
          <span>where</span>
          <input aria-label={`${label} property ${j + 1}`} placeholder="property" maxLength={64} value={k.property} readOnly={readOnly} onInput={(e) => setProperty(j, { property: (e.target as HTMLInputElement).value })} />
          <select aria-label={`${label} property ${j + 1} operator`} value={k.operator} disabled={readOnly} onChange={(e) => setProperty(j, { operator: (e.target as HTMLSelectElement).value as EventCondition["operator"] })}>
            {PROPERTY_OPERATORS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
          {k.operator !== "is_empty" && k.operator !== "is_not_empty" && (
            <input aria-label={`${label} property ${j + 1} value`} placeholder="value" value={k.value ?? ""} readOnly={readOnly} onInput={(e) => setProperty(j, { value: (e.target as HTMLInputElement).value })} />
          )}
          {!readOnly && (
            <button type="button" class="icon" aria-label={`Remove ${label} property ${j + 1}`} onClick={() => setProperty(j, undefined)}>
              ×
            </button>
          )}
        </div>
      ))}
      {!readOnly && c.conditions.length < MAX_PROPERTY_CONDITIONS && (
        <button type="button" class="link" aria-label={`Add a property condition to ${label.toLowerCase()}`} onClick={() => onChange({ ...c, conditions: [...c.conditions, { property: "", operator: "is", value: "" }] })}>
          + property condition
        </button>
      )}
    </>
  );
}

/** An empty-check takes no value; the others keep theirs (or start empty). */
function withPropertyOperator(k: EventCondition): EventCondition {
  if (k.operator === "is_empty" || k.operator === "is_not_empty") {
    const { value: _, ...rest } = k;
    return rest as EventCondition;
  }
  return { ...k, value: k.value ?? "" };
}
