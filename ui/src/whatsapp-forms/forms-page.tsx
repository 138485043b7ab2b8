import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { api, ApiFailure } from "../api";
import { useMe } from "../shell/me";
import "./forms.css";

// WhatsApp forms (Meta's WhatsApp Flows) per WhatsApp Cloud channel: their status, history, the
// flows that send them and their endpoint's health, with the lifecycle's actions (docs/whatsapp-forms.md).

interface Channel {
  uuid: string;
  name: string;
  type: string;
}

interface Form {
  uuid: string;
  channel: string;
  meta_id: string;
  name: string;
  categories: string[];
  flow_json: Record<string, unknown> | null;
  uses_endpoint: boolean;
  status: "DRAFT" | "PUBLISHED" | "DEPRECATED" | "THROTTLED" | "BLOCKED";
  validation_errors: { message?: string; error?: string }[];
  preview_url: string | null;
  history: Record<string, unknown>[];
  health: Record<string, Record<string, unknown>>;
  endpoint_url: string;
  modified_on: string;
  used_by?: { uuid: string; name: string }[];
}

const CATEGORIES = ["SIGN_UP", "SIGN_IN", "APPOINTMENT_BOOKING", "LEAD_GENERATION", "CONTACT_US", "CUSTOMER_SUPPORT", "SURVEY", "OTHER"];
const label = (s: string) => s[0] + s.slice(1).toLowerCase().replace(/_/g, " ");
const when = (iso: unknown) => (typeof iso === "string" ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "");

/** What a status means to someone deciding what to do next. */
const STATUS_HELP: Record<Form["status"], string> = {
  DRAFT: "Draft: can be edited, sent only as a test",
  PUBLISHED: "Published: sent to contacts; it never changes (clone it to change it)",
  DEPRECATED: "Deprecated: no longer sent",
  THROTTLED: "Throttled by WhatsApp (endpoint unhealthy): 10 sends an hour",
  BLOCKED: "Blocked by WhatsApp (endpoint unhealthy): not sent until it recovers",
};

export function FormsPage() {
  const { query, route } = useLocation();
  const { canEdit } = useMe();
  const [channels, setChannels] = useState<Channel[] | null>(null);
  const [forms, setForms] = useState<Form[] | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const channel = query.channel ?? channels?.[0]?.uuid;
  const selected = query.form;

  useEffect(() => {
    api<{ results: Channel[] }>("channels")
      .then((r) => setChannels(r.results.filter((c) => c.type === "whatsapp_cloud")))
      .catch((e) => setError(String(e instanceof Error ? e.message : e)));
  }, []);
  useEffect(() => {
    if (!channel) return;
    api<{ results: Form[] }>(`whatsapp-forms?channel=${channel}`)
      .then((r) => setForms(r.results))
      .catch((e) => setError(String(e instanceof Error ? e.message : e)));
  }, [channel, reload]);
  useEffect(() => {
    if (!selected) return setForm(null);
    api<Form>(`whatsapp-forms/${selected}`)
      .then(setForm)
      .catch((e) => setError(String(e instanceof Error ? e.message : e)));
  }, [selected, reload]);

  const go = (params: { channel?: string; form?: string }) => route(`/whatsapp-forms?${new URLSearchParams(Object.entries({ channel, ...params }).filter((e): e is [string, string] => !!e[1]))}`);

  /** Runs one action; says what happened, or why it was refused, and reloads. */
  const run = async (what: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await what();
      setNotice(done);
      setReload((n) => n + 1);
      return true;
    } catch (e) {
      setError(e instanceof ApiFailure ? e.message : String(e));
      return false;
    }
  };

  const create = (e: Event) => {
    e.preventDefault();
    const el = e.currentTarget as HTMLFormElement;
    const data = new FormData(el);
    const json = parseJson(String(data.get("flow_json") ?? ""));
    if (json === undefined) return setError("The Flow JSON is not valid JSON");
    const categories = data.getAll("categories").map(String);
    void run(async () => {
      const made = await api<Form>("whatsapp-forms", { method: "POST", body: { channel, name: data.get("name"), categories, uses_endpoint: data.get("uses_endpoint") === "on", ...(json ? { flow_json: json } : {}) } });
      el.reset();
      go({ form: made.uuid });
    }, `Created the draft ${String(data.get("name"))} at WhatsApp`);
  };

  return (
    <main class="forms">
      <h1>WhatsApp forms</h1>
      <p class="forms-intro">Meta's in-chat forms (WhatsApp Flows) of each WhatsApp Cloud channel. Flows send them with the “Send WhatsApp form” action.</p>
      {error && (
        <p class="forms-error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p class="forms-notice" role="status">
          {notice}
        </p>
      )}
      {channels && channels.length === 0 && <p>There is no WhatsApp Cloud channel yet: add one (with its business account id) to have forms.</p>}
      {channels && channels.length > 0 && (
        <div class="forms-bar">
          <label>
            Channel
            <select value={channel} onChange={(e) => go({ channel: e.currentTarget.value, form: undefined })}>
              {channels.map((c) => (
                <option key={c.uuid} value={c.uuid}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
          {canEdit && (
            <button type="button" onClick={() => run(() => api<{ created: number; updated: number }>("whatsapp-forms/sync", { method: "POST", body: { channel } }), "Brought in the forms of the channel's business account")}>
              Sync from WhatsApp
            </button>
          )}
        </div>
      )}
      {forms && (
        <table class="forms-table" aria-label="Forms">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Categories</th>
              <th scope="col">Endpoint</th>
              <th scope="col">Changed</th>
            </tr>
          </thead>
          <tbody>
            {forms.length === 0 && (
              <tr>
                <td colSpan={5}>No forms on this channel yet.</td>
              </tr>
            )}
            {forms.map((f) => (
              <tr key={f.uuid} aria-current={f.uuid === selected ? "true" : undefined}>
                <td>
                  <a href={`/whatsapp-forms?channel=${f.channel}&form=${f.uuid}`}>{f.name}</a>
                </td>
                <td>
                  <Status status={f.status} />
                </td>
                <td>{f.categories.map(label).join(", ")}</td>
                <td>{f.uses_endpoint ? "Yes" : "No"}</td>
                <td>{when(f.modified_on)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {form && <FormDetails form={form} canEdit={canEdit} run={run} onGone={() => go({ form: undefined })} onClone={(uuid) => go({ form: uuid })} />}
      {canEdit && channel && (
        <form class="forms-create" onSubmit={create} aria-label="New form">
          <h2>New form</h2>
          <label>
            Name
            <input name="name" required maxLength={200} autocomplete="off" />
          </label>
          <fieldset>
            <legend>Categories</legend>
            {CATEGORIES.map((c) => (
              <label key={c} class="forms-check">
                <input type="checkbox" name="categories" value={c} /> {label(c)}
              </label>
            ))}
          </fieldset>
          <label class="forms-check">
            <input type="checkbox" name="uses_endpoint" /> Uses a data endpoint (Eddy's)
          </label>
          <label>
            Flow JSON (optional)
            <textarea name="flow_json" rows={6} spellcheck={false} />
          </label>
          <button type="submit">Create draft</button>
        </form>
      )}
    </main>
  );
}

function Status({ status }: { status: Form["status"] }) {
  return (
    <span class={`forms-status forms-status-${status.toLowerCase()}`} title={STATUS_HELP[status]}>
      {label(status)}
    </span>
  );
}

/** undefined: not JSON; null: nothing given. */
function parseJson(text: string): Record<string, unknown> | null | undefined {
  if (!text.trim()) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function FormDetails({ form, canEdit, run, onGone, onClone }: { form: Form; canEdit: boolean; run: (what: () => Promise<unknown>, done: string) => Promise<boolean>; onGone: () => void; onClone: (uuid: string) => void }) {
  const [json, setJson] = useState(form.flow_json ? JSON.stringify(form.flow_json, null, 2) : "");
  useEffect(() => setJson(form.flow_json ? JSON.stringify(form.flow_json, null, 2) : ""), [form.uuid, form.modified_on]);
  const draft = form.status === "DRAFT";
  const live = form.status === "PUBLISHED" || form.status === "THROTTLED" || form.status === "BLOCKED";
  const path = `whatsapp-forms/${form.uuid}`;
  const alerts = Object.entries(form.health);

  const upload = (e: Event) => {
    e.preventDefault();
    const parsed = parseJson(json);
    if (!parsed) return void run(() => Promise.reject(new Error("The Flow JSON is not a JSON object")), "");
    void run(() => api(path, { method: "PATCH", body: { flow_json: parsed } }), "Uploaded the Flow JSON to WhatsApp");
  };
  const clone = (e: Event) => {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget as HTMLFormElement).get("name") ?? "");
    void run(async () => onClone((await api<Form>(`${path}/clone`, { method: "POST", body: { name } })).uuid), `Cloned into the draft ${name}`);
  };

  return (
    <section class="forms-details" aria-labelledby="form-title">
      <h2 id="form-title">
        {form.name} <Status status={form.status} />
      </h2>
      <p>{STATUS_HELP[form.status]}.</p>
      <dl class="forms-facts">
        <dt>WhatsApp id</dt>
        <dd>{form.meta_id}</dd>
        <dt>Categories</dt>
        <dd>{form.categories.map(label).join(", ")}</dd>
        {form.uses_endpoint && (
          <>
            <dt>Data endpoint</dt>
            <dd>
              <code>{form.endpoint_url}</code>
            </dd>
          </>
        )}
        {form.preview_url && (
          <>
            <dt>Preview</dt>
            <dd>
              <a href={form.preview_url} target="_blank" rel="noreferrer">
                Open the preview
              </a>
            </dd>
          </>
        )}
      </dl>

      {canEdit && (
        <div class="forms-actions" role="group" aria-label="Form actions">
          <button type="button" onClick={() => run(() => api(`${path}/refresh`, { method: "POST" }), "Read the form from WhatsApp")}>
            Refresh from WhatsApp
          </button>
          {draft && (
            <button type="button" onClick={() => confirm(`Publish ${form.name}? A published form can be sent, and never changes again: this cannot be undone.`) && run(() => api(`${path}/publish`, { method: "POST" }), `Published ${form.name}`)}>
              Publish
            </button>
          )}
          {live && (
            <button type="button" onClick={() => confirm(`Deprecate ${form.name}? It is no longer sent, and this cannot be undone.`) && run(() => api(`${path}/deprecate`, { method: "POST" }), `Deprecated ${form.name}`)}>
              Deprecate
            </button>
          )}
          {draft && (
            <button
              type="button"
              onClick={() =>
                confirm(`Delete the draft ${form.name}, at WhatsApp too? This cannot be undone.`) &&
                run(async () => {
                  await api(path, { method: "DELETE" });
                  onGone();
                }, `Deleted ${form.name}`)
              }
            >
              Delete
            </button>
          )}
        </div>
      )}

      {form.validation_errors.length > 0 && (
        <>
          <h3>WhatsApp's validation errors</h3>
          <ul class="forms-errors">
            {form.validation_errors.map((e, i) => (
              <li key={i}>{e.message ?? e.error}</li>
            ))}
          </ul>
        </>
      )}

      <h3>Flows that send it</h3>
      {form.used_by?.length ? (
        <ul>
          {form.used_by.map((f) => (
            <li key={f.uuid}>
              <a href={`/flows/${f.uuid}`}>{f.name}</a>
            </li>
          ))}
        </ul>
      ) : (
        <p>No flow sends this form.</p>
      )}

      <h3>Endpoint health</h3>
      {alerts.length ? (
        <table class="forms-table" aria-label="Endpoint health">
          <thead>
            <tr>
              <th scope="col">Alert</th>
              <th scope="col">State</th>
              <th scope="col">Details</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map(([kind, a]) => (
              <tr key={kind}>
                <td>{label(kind)}</td>
                <td>{String(a.alert_state ?? "")}</td>
                <td>{String(a.message ?? "")}</td>
                <td>{when(a.at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>{form.uses_endpoint ? "No alert from WhatsApp about its endpoint." : "This form uses no endpoint."}</p>
      )}

      <h3>History</h3>
      <table class="forms-table" aria-label="History">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {[...form.history].reverse().map((h, i) => (
            <tr key={i}>
              <td>{when(h.at)}</td>
              <td>
                {h.event === "FLOW_STATUS_CHANGE" ? `${h.old_status ? `${label(String(h.old_status))} → ` : ""}${label(String(h.new_status))}` : `${label(String(h.event))}${h.alert_state ? ` (${String(h.alert_state)})` : ""}`}
                {h.late ? " (arrived late: status kept)" : ""}
              </td>
              <td>{h.source === "webhook" ? "WhatsApp" : h.source === "sync" ? "Sync" : "Eddy"}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {canEdit && draft && (
        <form class="forms-json" onSubmit={upload} aria-label="Flow JSON">
          <h3>Flow JSON</h3>
          <label>
            Flow JSON of the draft
            <textarea rows={12} spellcheck={false} value={json} onInput={(e) => setJson(e.currentTarget.value)} />
          </label>
          <button type="submit">Upload to WhatsApp</button>
        </form>
      )}
      {canEdit && !draft && (
        <form class="forms-clone" onSubmit={clone} aria-label="Clone">
          <label>
            Name of the new draft
            <input name="name" required maxLength={200} defaultValue={`${form.name} (copy)`} />
          </label>
          <button type="submit">Clone into a draft</button>
        </form>
      )}
    </section>
  );
}
