import { useState } from "preact/hooks";
import type { FlowVariable } from "../../../durable/engine/flow/schema";
import type { FieldSpec } from "../elements/types";
import { emptyAssets } from "./assets";
import { FieldInput } from "./field-input";
import type { Definition } from "./model";
import { validate, type Problem } from "./problems";

// The problems a type change brings that saving refuses (worker/api/flows.ts rejectTypeRuleViolations):
// a wait the new type cannot have.
const WAIT_RULE = /^nodes\[\d+\]\.router\.wait$/;

// The flow's variables (docs/journeys.md), read as @vars.<name>; the engine checks names, types and defaults.
const VARIABLES: FieldSpec = {
  key: "variables",
  label: "Variable",
  kind: "rows",
  max: 100,
  columns: [
    { key: "name", label: "Name" },
    { key: "type", label: "Type", options: ["text", "decimal", "integer", "boolean", "date", "datetime", "list"].map((t) => ({ value: t, label: t })) },
    { key: "default", label: "Default" },
  ],
  help: "read as @vars.name in the flow; the default is a value or an expression (@fields.due_date)",
};
const noNames = () => ({ fields: [], results: [], locals: [], vars: [] });

const toVariables = (rows: Record<string, string | undefined>[]): FlowVariable[] =>
  rows.map((r) => ({ name: r.name ?? "", type: (r.type ?? "text") as FlowVariable["type"], ...(r.default ? { default: r.default } : {}) }));

/**
 * The flow's own settings, as in Glific's "Run this flow in the background" checkbox. A flow whose
 * nodes wait for replies cannot become a background flow: the change is refused with the engine's
 * message naming the node, and the flow stays as it was.
 */
type Props = {
  definition: Definition;
  readOnly: boolean;
  onType(type: Definition["type"]): void;
  onVariables(variables: FlowVariable[]): void;
  onShowNode(uuid: string): void;
};

export function FlowSettingsPanel({ definition, readOnly, onType, onVariables, onShowNode }: Props) {
  const [refused, setRefused] = useState<Problem[]>([]);
  const background = definition.type === "messaging_background";

  const change = (toBackground: boolean) => {
    const type = toBackground ? "messaging_background" : "messaging";
    const blocking = validate({ ...definition, type }).filter((p) => p.level === "error" && WAIT_RULE.test(p.path ?? ""));
    setRefused(blocking);
    if (!blocking.length) onType(type);
  };

  return (
    <aside class="side-panel" aria-label="Flow settings">
      <h2>Flow settings</h2>
      <label class="field checkbox">
        <input type="checkbox" checked={background} disabled={readOnly} onChange={(e) => change((e.target as HTMLInputElement).checked)} />
        <span class="field-label">Run this flow in the background</span>
      </label>
      <p class="field-help">A background flow never waits for a reply: it runs alongside whatever flow the contact is in, without interrupting it.</p>
      {refused.length > 0 && (
        <div role="alert" class="settings-refused">
          <p>This flow cannot run in the background:</p>
          <ul>
            {refused.map((p, i) => (
              <li key={i}>
                {p.message}{" "}
                {p.node_uuid && (
                  <button type="button" class="link" onClick={() => onShowNode(p.node_uuid!)}>
                    Show the node
                  </button>
                )}
              </li>
            ))}
          </ul>
        </div>
      )}
      <h3>Variables</h3>
      <FieldInput
        spec={VARIABLES}
        id="flow-variables"
        value={definition.variables ?? []}
        onChange={(rows) => onVariables(toVariables(rows as Record<string, string | undefined>[]))}
        readOnly={readOnly}
        assets={emptyAssets}
        names={noNames}
      />
    </aside>
  );
}
