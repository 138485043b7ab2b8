import { useEffect, useState } from "preact/hooks";
import { useRoute } from "preact-iso";
import { api } from "../api";
import { useMe } from "../shell/me";
import "./launch.css";

export type StartOut = {
  uuid: string;
  flow: { uuid: string; name: string };
  audience: Record<string, unknown>;
  options: Record<string, unknown>;
  status: "pending" | "running" | "completed" | "cancelled" | "failed";
  schedule: string | null;
  progress: {
    targeted: number;
    started: number;
    skipped: { total: number; in_flow: number; started_recently: number; inactive: number; other: number };
    failed: number;
  };
  error: string | null;
  created_on: string;
  finished_on: string | null;
};

const SKIP_REASONS: [keyof StartOut["progress"]["skipped"], string][] = [
  ["in_flow", "already in a messaging flow"],
  ["started_recently", "entered this flow recently"],
  ["inactive", "stopped, blocked or archived"],
  ["other", "other reasons (entry rules...)"],
];

const POLL_MS = 1000;
const live = (s: StartOut) => s.status === "pending" || s.status === "running";

/** A start's progress, updated every second while it runs; it can be cancelled. */
export function StartPage() {
  const { params } = useRoute();
  const { canEdit } = useMe();
  const [start, setStart] = useState<StartOut | null>(null);
  const [expected, setExpected] = useState<number | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      try {
        const s = await api<StartOut>(`starts/${params.uuid}`);
        if (stopped) return;
        setStart(s);
        setError("");
        if (live(s)) timer = setTimeout(poll, POLL_MS);
      } catch (e) {
        if (stopped) return;
        setError((e as Error).message);
        timer = setTimeout(poll, POLL_MS * 5);
      }
    };
    poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [params.uuid]);

  // How many the audience matches now: the bar's end while the start is still reading its audience.
  const running = !!start && live(start);
  useEffect(() => {
    if (!running || !start) return;
    api<{ count: number }>("audiences/count", { method: "POST", body: { audience: start.audience } }).then((r) => setExpected(r.count), () => {});
  }, [running, start?.uuid]);

  if (!start) return <main class="launch">{error ? <p role="alert" class="launch-error">{error}</p> : <p role="status">Loading…</p>}</main>;

  const p = start.progress;
  const done = p.started + p.skipped.total + p.failed;
  const total = live(start) ? Math.max(expected ?? 0, p.targeted) : p.targeted;
  const cancel = async () => {
    if (!confirm("Cancel this start? Contacts already started stay in the flow; nobody else is started.")) return;
    setBusy(true);
    try {
      setStart(await api<StartOut>(`starts/${start.uuid}/cancel`, { method: "POST" }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="launch start-page">
      <header class="launch-head">
        <h1>
          Start of <a href={`/flows/${start.flow.uuid}`}>{start.flow.name || start.flow.uuid}</a>
        </h1>
        <span class={`badge badge-${start.status}`} data-testid="start-status">
          {start.status}
        </span>
        <a href={`/flows/${start.flow.uuid}/launch`}>Launch again</a>
      </header>
      <p class="launch-hint">
        Made {new Date(start.created_on).toLocaleString()}
        {start.schedule ? " by a schedule" : ""}
        {start.finished_on ? `, finished ${new Date(start.finished_on).toLocaleString()}` : ""}. Audience: {describeAudience(start.audience)}.
        {typeof start.options.per_minute === "number" ? ` Paced: at most ${start.options.per_minute.toLocaleString()} contacts a minute.` : ""}
      </p>
      <div class="start-progress">
        <progress max={Math.max(total, 1)} value={done} aria-label="Contacts handled" />
        <span>
          {done.toLocaleString()} of {total.toLocaleString()}
          {live(start) && expected !== null && p.targeted < expected ? " (about)" : ""} handled
        </span>
      </div>
      <dl class="start-counts" aria-live="polite">
        <div>
          <dt>Targeted</dt>
          <dd data-testid="targeted">{p.targeted.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd data-testid="started">{p.started.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Skipped</dt>
          <dd data-testid="skipped">{p.skipped.total.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd data-testid="failed">{p.failed.toLocaleString()}</dd>
        </div>
      </dl>
      {p.skipped.total > 0 && (
        <ul class="start-reasons" aria-label="Why contacts were skipped">
          {SKIP_REASONS.filter(([k]) => p.skipped[k] > 0).map(([k, label]) => (
            <li key={k}>
              {p.skipped[k].toLocaleString()} {label}
            </li>
          ))}
        </ul>
      )}
      {start.error && (
        <p class="launch-error" role="alert">
          {start.error}
        </p>
      )}
      {error && <p class="launch-error">{error}</p>}
      {live(start) && canEdit && (
        <button type="button" class="danger" onClick={cancel} disabled={busy}>
          Cancel the start
        </button>
      )}
    </main>
  );
}

function describeAudience(a: Record<string, unknown>): string {
  if (a.everyone) return "everyone";
  const parts: string[] = [];
  const n = (k: string) => (Array.isArray(a[k]) ? (a[k] as unknown[]).length : 0);
  if (n("groups")) parts.push(`${n("groups")} group${n("groups") === 1 ? "" : "s"}`);
  if (n("contacts")) parts.push(`${n("contacts")} contact${n("contacts") === 1 ? "" : "s"}`);
  if (n("urns")) parts.push(`${n("urns")} URN${n("urns") === 1 ? "" : "s"}`);
  if (typeof a.query === "string") parts.push(`query ${a.query}`);
  return parts.join(", ") || "nobody";
}
