import { useMemo, useRef } from "preact/hooks";
import { ACTIONS, actionElement, allowedIn, splitOf } from "../elements/registry";
import { TESTS, testSpec } from "../elements/tests";
import type { ActionElement, WaitForm } from "../elements/types";
import type { Assets } from "./assets";
import type { Names } from "./codemirror";
import { ExpressionInput } from "./expression-input";
import { flowNames } from "./expressions";
import { FieldInput } from "./field-input";
import { newUuid, uiOf, withNode, type Action, type Definition, type Node } from "./model";
import { shortMessage, type Problem } from "./problems";
import { NO_RESPONSE, OTHER, readRules, writeBuckets, writeRules, type Rule } from "./rules";

type Edit = (fn: (d: Definition) => Definition, coalesce?: string) => void;

/** An action field's value; a key like `participant.phone` is a property of an object property. */
const fieldValue = (a: Action, key: string): unknown => key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], a);

/** The change a field makes to its action; an object property left empty is removed. */
function fieldPatch(a: Action, key: string, v: unknown): Record<string, unknown> {
  const [outer, inner] = key.split(".");
  if (!inner) return { [outer]: v };
  const next: Record<string, unknown> = { ...((a as Record<string, unknown>)[outer] as Record<string, unknown> | undefined), [inner]: v };
  if (v === "" || v === undefined) delete next[inner];
  return { [outer]: Object.keys(next).length ? next : undefined };
}
type Props = { definition: Definition; node: Node; problems: Problem[]; edit: Edit; readOnly: boolean; assets: Assets };

const TIMEOUTS = [60, 120, 180, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 259200, 604800];
const duration = (s: number) => (s < 3600 ? `${s / 60} minutes` : s < 86400 ? `${s / 3600} hours` : `${s / 86400} days`);

/** The side panel for one node: its actions, each with its element's fields, and its router. */
export function NodePanel({ definition, node, problems, edit, readOnly, assets }: Props) {
  const split = splitOf(node, uiOf(definition)[node.uuid]?.type);
  const defRef = useRef(definition);
  defRef.current = definition;
  const assetsRef = useRef(assets);
  assetsRef.current = assets;
  // Read at each completion: the editors are made once, and the fields may arrive after them.
  const names = useMemo(() => () => ({ fields: assetsRef.current.fields.map((f) => f.key!), ...flowNames(defRef.current) }) as Names, []);
  const update = (fn: (n: Node) => Node, coalesce?: string) => edit((d) => withNode(d, node.uuid, (n) => (split?.sync ? split.sync(fn(n), newUuid) : fn(n))), coalesce);
  const setAction = (uuid: string, patch: Record<string, unknown>, coalesce?: string) =>
    update((n) => ({
      ...n,
      actions: n.actions.map((a) => {
        if (a.uuid !== uuid) return a;
        const next: Record<string, unknown> = { ...a, ...patch };
        for (const [k, v] of Object.entries(patch)) if (v === undefined) delete next[k];
        return next as Action;
      }),
    }), coalesce);
  const move = (i: number, by: number) =>
    update((n) => {
      const actions = [...n.actions];
      const [a] = actions.splice(i, 1);
      actions.splice(Math.max(0, Math.min(actions.length, i + by)), 0, a);
      return { ...n, actions };
    });
  const routed = split?.edit.action;

  return (
    <aside class="side-panel" aria-label="Edit node">
      <h2>{split?.name ?? "Actions"}</h2>
      {problems.length > 0 && (
        <ul class="problem-list">
          {problems.map((p, i) => (
            <li key={i} class={p.level}>
              {p.level}: {shortMessage(p)}
            </li>
          ))}
        </ul>
      )}
      {node.actions.map((a, i) => {
        const element = actionElement(a.type);
        return (
          <fieldset key={a.uuid} class="action-form" data-action-uuid={a.uuid}>
            <legend>{element?.name ?? a.type}</legend>
            {element ? (
              element.fields.map((f) => (
                  <FieldInput
                    key={f.key}
                    spec={f}
                    id={`f-${a.uuid}-${f.key}`}
                    value={fieldValue(a, f.key)}
                    onChange={(v) => setAction(a.uuid, fieldPatch(a, f.key, v), `${a.uuid}.${f.key}`)}
                    readOnly={readOnly}
                    assets={assets}
                    names={names}
                  />
                ))
            ) : (
              <p>Eddy does not run {a.type}: a contact reaching it fails the run. Remove it or replace it.</p>
            )}
            {!readOnly && !routed && (
              <div class="action-buttons">
                <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${element?.name ?? a.type} up`}>
                  ↑
                </button>
                <button type="button" disabled={i === node.actions.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${element?.name ?? a.type} down`}>
                  ↓
                </button>
                <button type="button" onClick={() => update((n) => ({ ...n, actions: n.actions.filter((x) => x.uuid !== a.uuid) }))}>
                  Remove
                </button>
              </div>
            )}
          </fieldset>
        );
      })}
      {!readOnly && !routed && <AddAction type={definition.type} onAdd={(e) => update((n) => ({ ...n, actions: [...n.actions, { uuid: newUuid(), type: e.type, ...e.defaults() } as Action] }))} />}
      {node.router && !routed && <RouterForm node={node} split={split} update={update} readOnly={readOnly} assets={assets} names={names} />}
    </aside>
  );
}

function AddAction({ type, onAdd }: { type: Definition["type"]; onAdd(e: ActionElement): void }) {
  return (
    <select
      aria-label="Add an action"
      value=""
      onChange={(e) => {
        const found = ACTIONS.find((a) => a.type === (e.target as HTMLSelectElement).value);
        (e.target as HTMLSelectElement).value = "";
        if (found) onAdd(found);
      }}
    >
      <option value="">Add an action…</option>
      {ACTIONS.filter((a) => allowedIn(a, type)).map((a) => (
        <option key={a.type} value={a.type}>
          {a.name}
        </option>
      ))}
    </select>
  );
}

type RouterProps = { node: Node; split: ReturnType<typeof splitOf>; update(fn: (n: Node) => Node, coalesce?: string): void; readOnly: boolean; assets: Assets; names(): Names };

function RouterForm({ node, split, update, readOnly, assets, names }: RouterProps) {
  const router = node.router!;
  const edit = split?.edit ?? { operand: "expression", rules: router.type === "switch", resultName: true };
  const { rules, other, timeout } = readRules(node);
  const setRules = (next: Rule[], opts?: { timeout?: number | null }) => update((n) => writeRules(n, next, newUuid, opts), "rules");
  const id = `r-${node.uuid}`;

  return (
    <fieldset class="router-form">
      <legend>Routing</legend>
      {router.type === "switch" && edit.operand === "expression" && (
        <div class="field">
          <span class="field-label">Split on</span>
          <ExpressionInput value={router.operand} label="Split on" onChange={(v) => update((n) => ({ ...n, router: { ...router, operand: v } }), "operand")} readOnly={readOnly} names={names} />
        </div>
      )}
      {router.type === "switch" && (edit.operand === "result" || edit.operand === "field") && (
        <div class="field">
          <label for={`${id}-operand`} class="field-label">
            {edit.operand === "result" ? "Flow result" : "Contact field"}
          </label>
          <select
            id={`${id}-operand`}
            value={router.operand}
            disabled={readOnly}
            onChange={(e) => update((n) => ({ ...n, router: { ...router, operand: (e.target as HTMLSelectElement).value } }))}
          >
            <option value={router.operand}>{router.operand}</option>
            {(edit.operand === "result" ? names().results.map((r) => `@results.${r}`) : assets.fields.map((f) => `@fields.${f.key}`))
              .filter((o) => o !== router.operand)
              .map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
          </select>
        </div>
      )}
      {router.type === "switch" && edit.operand === "fixed" && router.operand && <p class="field-help">Splits on {router.operand}</p>}
      {split?.form && <WaitFormFields form={split.form} node={node} update={update} readOnly={readOnly} assets={assets} names={names} />}

      {edit.rules && router.type === "switch" && (
        <div class="rules" role="group" aria-label="Rules">
          {rules.map((r, i) => {
            const spec = testSpec(r.type);
            const set = (patch: Partial<Rule>) => setRules(rules.map((x, j) => (j === i ? { ...x, ...patch } : x)));
            return (
              <div class="rule" key={r.uuid ?? i}>
                <select aria-label={`Rule ${i + 1} test`} value={r.type} disabled={readOnly} onChange={(e) => set({ type: (e.target as HTMLSelectElement).value, arguments: r.arguments.slice(0, testSpec((e.target as HTMLSelectElement).value).args) })}>
                  {!TESTS.some((t) => t.type === r.type) && <option value={r.type}>{r.type}</option>}
                  {TESTS.map((t) => (
                    <option key={t.type} value={t.type}>
                      {t.label}
                    </option>
                  ))}
                </select>
                {Array.from({ length: spec.args }, (_, k) => (
                  <input key={k} aria-label={`Rule ${i + 1} argument ${k + 1}`} value={r.arguments[k] ?? ""} readOnly={readOnly} onInput={(e) => set({ arguments: Object.assign([...r.arguments], { [k]: (e.target as HTMLInputElement).value }) })} />
                ))}
                <span aria-hidden="true">→</span>
                <input aria-label={`Rule ${i + 1} category`} value={r.category} maxLength={36} readOnly={readOnly} onInput={(e) => set({ category: (e.target as HTMLInputElement).value })} />
                {!readOnly && (
                  <button type="button" class="icon" aria-label={`Remove rule ${i + 1}`} onClick={() => setRules(rules.filter((_, j) => j !== i))}>
                    ×
                  </button>
                )}
              </div>
            );
          })}
          {!readOnly && (
            <button type="button" class="link" onClick={() => setRules([...rules, { type: "has_any_word", arguments: [""], category: `Category ${rules.length + 1}` }])}>
              + rule
            </button>
          )}
          <p class="field-help">
            Anything else: <strong>{other}</strong>
          </p>
        </div>
      )}

      {edit.groups && router.type === "switch" && (
        <FieldInput
          spec={{ key: "groups", label: "Groups", kind: "ref", asset: "groups", multiple: true }}
          id={`${id}-groups`}
          value={rules.map((r) => ({ uuid: r.arguments[0], name: r.arguments[1] ?? r.category }))}
          onChange={(v) => setRules((v as { uuid: string; name: string }[]).map((g) => ({ type: "has_group", arguments: [g.uuid, g.name], category: g.name.slice(0, 36) })))}
          readOnly={readOnly}
          assets={assets}
          names={names}
        />
      )}

      {edit.buckets && (
        <FieldInput
          spec={{ key: "buckets", label: "Buckets", kind: "list", itemMax: 36 }}
          id={`${id}-buckets`}
          value={router.categories.map((c) => c.name)}
          onChange={(v) => update((n) => writeBuckets(n, v as string[], newUuid), "buckets")}
          readOnly={readOnly}
          assets={assets}
          names={names}
        />
      )}

      {edit.percentages && router.type === "split_audience" && (
        <div class="field" role="group" aria-label="Percentages">
          <span class="field-label">Share of contacts</span>
          {router.categories.map((c, i) => (
            <div class="list-item" key={c.uuid}>
              <label for={`${id}-pct-${i}`}>{c.name}</label>
              <input
                id={`${id}-pct-${i}`}
                type="number"
                min={0}
                max={100}
                value={String(router.percentages[i] ?? 0)}
                readOnly={readOnly}
                onInput={(e) => {
                  const pct = router.categories.map((_, j) => (j === i ? Number((e.target as HTMLInputElement).value) : router.percentages[j] ?? 0));
                  update((n) => writeBuckets(n, router.categories.map((x) => x.name), newUuid, pct), "percentages");
                }}
              />
              %
            </div>
          ))}
          {router.percentages.reduce((a, b) => a + b, 0) !== 100 && <p class="field-error">the shares add up to {router.percentages.reduce((a, b) => a + b, 0)}%, not 100%</p>}
        </div>
      )}

      {edit.timeout && router.type === "switch" && (
        <div class="field">
          <label for={`${id}-timeout`} class="field-label">
            Continue when there is no response
          </label>
          <select id={`${id}-timeout`} value={String(timeout ?? "")} disabled={readOnly} onChange={(e) => setRules(rules, { timeout: Number((e.target as HTMLSelectElement).value) || null })}>
            <option value="">never (wait until the flow expires)</option>
            {[...new Set([...TIMEOUTS, ...(timeout ? [timeout] : [])])].map((s) => (
              <option key={s} value={String(s)}>
                after {duration(s)}
              </option>
            ))}
          </select>
          {timeout ? <small class="field-help">then takes the “{NO_RESPONSE}” exit</small> : null}
        </div>
      )}

      {edit.resultName && (
        <div class="field">
          <label for={`${id}-result`} class="field-label">
            Save the result as
          </label>
          <input
            id={`${id}-result`}
            value={router.result_name ?? ""}
            maxLength={64}
            readOnly={readOnly}
            placeholder="e.g. Age"
            onInput={(e) => {
              const v = (e.target as HTMLInputElement).value;
              update((n) => {
                const r = { ...n.router! };
                if (v) r.result_name = v;
                else delete r.result_name;
                return { ...n, router: r };
              }, "result_name");
            }}
          />
        </div>
      )}
      {!edit.rules && !edit.buckets && !edit.groups && <p class="field-help">Exits: {router.categories.map((c) => c.name).join(", ") || OTHER}</p>}
    </fieldset>
  );
}

/** A journey wait's fields, from its element's form: each change written back into the node. */
function WaitFormFields({ form, node, update, readOnly, assets, names }: { form: WaitForm } & Omit<RouterProps, "split">) {
  const values = form.read(node);
  return (
    <>
      {form.fields
        .filter((f) => !f.when || f.when(values))
        .map((f) => (
          <FieldInput
            key={f.key}
            spec={f}
            id={`w-${node.uuid}-${f.key}`}
            value={values[f.key]}
            onChange={(v) => update((n) => form.write(n, { ...form.read(n), [f.key]: v }, newUuid), `wait.${f.key}`)}
            readOnly={readOnly}
            assets={assets}
            names={names}
          />
        ))}
    </>
  );
}
