import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, ApiFailure } from "../api";
import { useMe } from "../shell/me";
import { ImportDialog } from "./import-dialog";
import { NewFlowDialog } from "./new-flow-dialog";
import { StatusCell } from "./status-cell";
import { TypeBadge } from "./type-badge";
import type { FlowItem, FlowPage } from "./types";
import "./flows.css";

const PAGE = 100;
const STATUSES = [
  ["", "Any status"],
  ["draft", "Draft"],
  ["active", "Active"],
  ["finishing", "Finishing"],
  ["paused", "Paused"],
  ["archived", "Archived"],
] as const;
const TYPES = [
  ["", "Any type"],
  ["messaging", "Messaging"],
  ["messaging_background", "Background"],
] as const;

const changed = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The flows list: every flow with its type, status, version and who is in it; create, import, duplicate, pause, archive, delete. */
export function FlowList() {
  const { route } = useLocation();
  const { canEdit } = useMe();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState("");
  const [type, setType] = useState("");
  const [flows, setFlows] = useState<FlowItem[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"new" | "import" | null>(null);
  const [reload, setReload] = useState(0);

  const query = (cursor?: string) => {
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (search.trim()) q.set("search", search.trim());
    if (status) q.set("status", status);
    if (type) q.set("type", type);
    if (cursor) q.set("cursor", cursor);
    return `flows?${q}`;
  };

  useEffect(() => {
    const abort = new AbortController();
    // Typing in the search box asks once it pauses, not at every key.
    const timer = setTimeout(() => {
      api<FlowPage>(query(), { signal: abort.signal })
        .then((page) => {
          setFlows(page.results);
          setNext(page.next);
          setError(null);
        })
        .catch((e) => !abort.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    }, 250);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [search, status, type, reload]);

  const more = async () => {
    if (!next) return;
    const page = await api<FlowPage>(query(next));
    setFlows((f) => [...(f ?? []), ...page.results]);
    setNext(page.next);
  };

  const act = async (label: string, run: () => Promise<unknown>) => {
    try {
      await run();
      setReload((n) => n + 1);
    } catch (e) {
      setError(`${label}: ${e instanceof ApiFailure ? e.message : String(e)}`);
    }
  };
  const setFlowStatus = (f: FlowItem, to: string) => act(`${f.name}`, () => api(`flows/${f.uuid}`, { method: "PATCH", body: { status: to } }));
  const duplicate = (f: FlowItem) => act(`Duplicating ${f.name}`, () => api(`flows/${f.uuid}/duplicate`, { method: "POST", body: {} }));
  const remove = (f: FlowItem) => {
    if (confirm(`Delete the draft flow "${f.name}"? This cannot be undone.`)) act(`Deleting ${f.name}`, () => api(`flows/${f.uuid}`, { method: "DELETE" }));
  };
  const archive = (f: FlowItem) => {
    if (confirm(`Archive "${f.name}"? Contacts already in it finish; no one new enters.`)) setFlowStatus(f, "archived");
  };

  return (
    <main class="flows">
      <div class="flows-top">
        <h1>Flows</h1>
        {canEdit && (
          <div class="flows-actions">
            <button type="button" onClick={() => setDialog("import")}>
              Import
            </button>
            <button type="button" class="flows-primary" onClick={() => setDialog("new")}>
              New flow
            </button>
          </div>
        )}
      </div>

      <div class="flows-filters" role="search">
        <label>
          Search
          <input type="search" value={search} onInput={(e) => setSearch(e.currentTarget.value)} placeholder="Flow name" />
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
            {STATUSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {TYPES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>

      {error && (
        <p class="flows-error" role="alert">
          {error}
        </p>
      )}

      {flows === null ? (
        <p role="status">Loading flows…</p>
      ) : flows.length === 0 ? (
        <p class="flows-empty" role="status">
          {search || status || type ? "No flow matches." : canEdit ? "No flows yet: create one, or import an export from TextIt, RapidPro or Glific." : "No flows yet."}
        </p>
      ) : (
        <table class="flows-table" aria-label="Flows">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col">Version</th>
              <th scope="col" class="flows-num">In it now</th>
              <th scope="col">Last change</th>
              {canEdit && <th scope="col"><span class="visually-hidden">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {flows.map((f) => (
              <tr key={f.uuid}>
                <td>
                  <a href={`/flows/${f.uuid}`}>{f.name}</a>
                </td>
                <td>
                  <TypeBadge type={f.type} />
                </td>
                <td>
                  <StatusCell flow={f} />
                </td>
                <td>{f.published_version === null ? "—" : `v${f.published_version}`}</td>
                <td class="flows-num">{f.contacts_now.toLocaleString()}</td>
                <td>{changed(f.modified_on)}</td>
                {canEdit && (
                  <td>
                    <div class="flows-row-actions">
                      <button type="button" aria-label={`Duplicate ${f.name}`} onClick={() => duplicate(f)}>
                        Duplicate
                      </button>
                      {f.status === "active" && (
                        <button type="button" aria-label={`Pause ${f.name}`} onClick={() => setFlowStatus(f, "paused")}>
                          Pause
                        </button>
                      )}
                      {f.status === "paused" && (
                        <button type="button" aria-label={`Resume ${f.name}`} onClick={() => setFlowStatus(f, "active")}>
                          Resume
                        </button>
                      )}
                      {f.status !== "archived" && f.published_version !== null && (
                        <button type="button" aria-label={`Archive ${f.name}`} onClick={() => archive(f)}>
                          Archive
                        </button>
                      )}
                      {f.status === "archived" && f.published_version !== null && (
                        <button type="button" aria-label={`Unarchive ${f.name}`} onClick={() => setFlowStatus(f, "active")}>
                          Unarchive
                        </button>
                      )}
                      {f.published_version === null && (
                        <button type="button" class="flows-danger" aria-label={`Delete ${f.name}`} onClick={() => remove(f)}>
                          Delete
                        </button>
                      )}
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" class="flows-more" onClick={more}>
          Show more
        </button>
      )}

      {dialog === "new" && <NewFlowDialog onClose={() => setDialog(null)} onCreated={(uuid) => route(`/flows/${uuid}`)} />}
      {dialog === "import" && <ImportDialog onClose={() => setDialog(null)} onImported={() => setReload((n) => n + 1)} />}
    </main>
  );
}
