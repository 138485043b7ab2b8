import { useRef, useState } from "preact/hooks";
import { api, ApiFailure } from "../api";
import type { FlowIssue } from "./types";

interface ImportResult {
  flows: { uuid: string; name: string; created: boolean; problems: FlowIssue[] }[];
  fields: { created: string[] };
  groups: { created: string[]; updated: string[] };
}

/** Import a TextIt / RapidPro / Glific export file, then show what came in and each flow's problems. */
export function ImportDialog({ onClose, onImported }: { onClose: () => void; onImported: () => void }) {
  const [result, setResult] = useState<ImportResult | null>(null);
  const [error, setError] = useState<{ message: string; issues: FlowIssue[] } | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const file = (new FormData(e.currentTarget as HTMLFormElement).get("file") as File | null) ?? null;
    if (!file || !file.size) return setError({ message: "Choose an export file.", issues: [] });
    setBusy(true);
    setError(null);
    try {
      let body: unknown;
      try {
        body = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not a JSON export file.`);
      }
      setResult(await api<ImportResult>("flows/import", { method: "POST", body }));
      onImported();
    } catch (err) {
      const issues = err instanceof ApiFailure ? ((err.body as { issues?: FlowIssue[] } | null)?.issues ?? []) : [];
      setError({ message: err instanceof Error ? err.message : "The import failed.", issues });
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={(el) => { dialog.current = el; if (el && !el.open) el.showModal(); }} class="flows-dialog flows-import" aria-labelledby="import-title" onClose={onClose}>
      <h2 id="import-title">Import flows</h2>
      {!result && (
        <form onSubmit={submit}>
          <p class="flows-hint">An export file from TextIt, RapidPro or Glific (.json). Flows are created, or their drafts updated, by UUID; fields and groups come along.</p>
          <label for="import-file">Export file</label>
          <input id="import-file" name="file" type="file" accept=".json,application/json" required />
          {error && (
            <div class="flows-error" role="alert">
              <p>{error.message}</p>
              {error.issues.length > 0 && (
                <ul>
                  {error.issues.map((i) => (
                    <li key={i.path + i.message}>
                      {i.path}: {i.message}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
          <div class="flows-dialog-buttons">
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" class="flows-primary" disabled={busy}>
              {busy ? "Importing…" : "Import"}
            </button>
          </div>
        </form>
      )}
      {result && (
        <div>
          <p role="status">
            {result.flows.length} flow{result.flows.length === 1 ? "" : "s"} imported
            {result.fields.created.length ? `, ${result.fields.created.length} field(s) created` : ""}
            {result.groups.created.length ? `, ${result.groups.created.length} group(s) created` : ""}.
          </p>
          <ul class="flows-import-results" aria-label="Imported flows">
            {result.flows.map((f) => {
              const errors = f.problems.filter((p) => p.level !== "warning").length;
              return (
                <li key={f.uuid}>
                  <a href={`/flows/${f.uuid}`}>{f.name}</a> <span class="flows-note">{f.created ? "created" : "draft updated"}</span>
                  {f.problems.length === 0 ? (
                    <span class="flows-ok"> · no problems</span>
                  ) : (
                    <details open={errors > 0}>
                      <summary>
                        {errors} error{errors === 1 ? "" : "s"}, {f.problems.length - errors} warning{f.problems.length - errors === 1 ? "" : "s"}
                      </summary>
                      <ul>
                        {f.problems.map((p, i) => (
                          <li key={i} class={p.level === "warning" ? "flows-warning" : "flows-problem"}>
                            {p.level === "warning" ? "Warning" : "Error"}: {p.message}
                          </li>
                        ))}
                      </ul>
                    </details>
                  )}
                </li>
              );
            })}
          </ul>
          <div class="flows-dialog-buttons">
            <button type="button" class="flows-primary" onClick={() => dialog.current?.close()}>
              Done
            </button>
          </div>
        </div>
      )}
    </dialog>
  );
}
