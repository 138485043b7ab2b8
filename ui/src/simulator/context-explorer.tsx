import { useState } from "preact/hooks";

/** The session's context as a tree (each key's title is the expression that reads it), and a box to evaluate a template. */
export function ContextExplorer({ context, evaluate }: { context: Record<string, unknown>; evaluate(template: string): { output: string; errors: string[] } }) {
  const [template, setTemplate] = useState("@results");
  const [result, setResult] = useState<{ output: string; errors: string[] } | null>(null);
  const keys = Object.keys(context);
  if (!keys.length) return <p class="sim-hint">Start the simulation to explore @contact, @results, @webhook, @locals...</p>;
  return (
    <>
      <form
        class="sim-evaluate"
        onSubmit={(e) => {
          e.preventDefault();
          setResult(evaluate(template));
        }}
      >
        <label>
          Evaluate a template
          <input value={template} placeholder="@(upper(contact.name))" onInput={(e) => setTemplate(e.currentTarget.value)} />
        </label>
        <button type="submit">Evaluate</button>
        {result && (
          <output class={result.errors.length ? "sim-error" : "sim-value"} aria-label="Evaluated">
            {result.output}
            {result.errors.map((e) => (
              <div>{e}</div>
            ))}
          </output>
        )}
      </form>
      <ul class="sim-tree" aria-label="Context">
        {keys.map((k) => (
          <Node key={k} name={k} path={`@${k}`} value={context[k]} open={k === "results" || k === "contact"} />
        ))}
      </ul>
    </>
  );
}

function Node({ name, path, value, open: initiallyOpen = false }: { name: string; path: string; value: unknown; open?: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const nested = value !== null && typeof value === "object" && Object.keys(value as object).length > 0;
  if (!nested) {
    return (
      <li>
        <code class="sim-path" title={path}>{name}</code> <span class="sim-value">{value === null || value === undefined ? "null" : typeof value === "object" ? (Array.isArray(value) ? "[]" : "{}") : JSON.stringify(value)}</span>
      </li>
    );
  }
  return (
    <li>
      <button type="button" class="sim-toggle" aria-expanded={open} onClick={() => setOpen(!open)} title={path}>
        {open ? "▾" : "▸"} {name}
      </button>
      {open && (
        <ul>
          {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
            <Node key={k} name={k} path={Array.isArray(value) ? `${path}[${k}]` : `${path}.${k}`} value={v} />
          ))}
        </ul>
      )}
    </li>
  );
}
