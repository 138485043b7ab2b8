import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api } from "../api";

export type VersionRow = {
  version: number;
  published_on: string;
  published_by: string | null;
  status: "active" | "finishing" | "ended";
  contacts: number;
};

const STATUS_TEXT = { active: "active", finishing: "finishing", ended: "ended" };

type VersionsDialogProps = { flowUuid: string; readOnly?: boolean; onClose(): void; onRestored(version: number): void; onOpen(version: number): void };

/** Every published version: open it read-only, and (not for a viewer) duplicate it as a new flow or make it the draft again. */
export function VersionsDialog({ flowUuid, readOnly = false, onClose, onRestored, onOpen }: VersionsDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const { route } = useLocation();
  const [rows, setRows] = useState<VersionRow[] | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    dialog.current?.showModal?.();
    api<{ results: VersionRow[] }>(`flows/${flowUuid}/versions`).then(
      (r) => setRows(r.results),
      (e) => setError(e.message),
    );
  }, [flowUuid]);

  const run = async (f: () => Promise<void>) => {
    setBusy(true);
    setError("");
    try {
      await f();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const restore = (v: number) =>
    run(async () => {
      if (!confirm(`Replace the draft with version ${v}? The current draft's changes are lost unless they are published.`)) return;
      await api(`flows/${flowUuid}/versions/${v}/restore`, { method: "POST" });
      onRestored(v);
    });
  const duplicate = (v: number) =>
    run(async () => {
      const flow = await api<{ uuid: string }>(`flows/${flowUuid}/duplicate`, { method: "POST", body: { version: v } });
      onClose();
      route(`/flows/${flow.uuid}`);
    });

  return (
    <dialog ref={dialog} class="versions-dialog" aria-labelledby="versions-title" onClose={onClose}>
      <header>
        <h2 id="versions-title">Versions</h2>
        <button type="button" onClick={() => dialog.current?.close()} aria-label="Close versions">
          ×
        </button>
      </header>
      {error && <p role="alert" class="versions-error">{error}</p>}
      {rows === null ? (
        !error && <p>Loading…</p>
      ) : rows.length === 0 ? (
        <p>Not published yet: the first Publish makes version 1.</p>
      ) : (
        <table class="versions-table">
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col">Status</th>
              <th scope="col">Published</th>
              <th scope="col">
                <span class="versions-sr">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.version}>
                <td>v{r.version}</td>
                <td>
                  <span class={`badge badge-${r.status}`}>{STATUS_TEXT[r.status]}</span>
                  {r.status !== "ended" && <small> {r.contacts === 1 ? "1 contact inside" : `${r.contacts} contacts inside`}</small>}
                </td>
                <td>
                  <time dateTime={r.published_on}>{new Date(r.published_on).toLocaleString()}</time>
                  {r.published_by && <small> by {r.published_by}</small>}
                </td>
                <td class="versions-actions">
                  <button type="button" onClick={() => onOpen(r.version)}>
                    Open
                  </button>
                  {!readOnly && (
                    <>
                      <button type="button" disabled={busy} onClick={() => duplicate(r.version)}>
                        Duplicate
                      </button>
                      <button type="button" disabled={busy} onClick={() => restore(r.version)}>
                        Restore as draft
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </dialog>
  );
}
