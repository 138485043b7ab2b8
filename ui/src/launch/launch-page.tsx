import { useEffect, useState } from "preact/hooks";
import { useLocation, useRoute } from "preact-iso";
import { api, ApiFailure } from "../api";
import { useMe } from "../shell/me";
import { audienceOf, AudiencePicker, EMPTY_AUDIENCE, type AudienceDraft, type Issue } from "./audience-picker";
import { defaultSchedule, scheduleOf, SchedulePicker, type ScheduleDraft } from "./schedule-picker";
import { StartsList } from "./starts-list";
import "./launch.css";

type Flow = { uuid: string; name: string; type: "messaging" | "messaging_background"; status: string; published_version: number | null };
type ScheduleOut = { uuid: string; description: string; next_fire_at: string | null };

/** TextIt's "Start" and Moments' launch page: who, with which options, and when. */
export function LaunchPage() {
  const { params } = useRoute();
  const { route } = useLocation();
  const { canEdit } = useMe();
  const [flow, setFlow] = useState<Flow | null>(null);
  const [loadError, setLoadError] = useState("");
  const [audience, setAudience] = useState<AudienceDraft>(EMPTY_AUDIENCE);
  const [interrupt, setInterrupt] = useState(true);
  const [excludeOn, setExcludeOn] = useState(false);
  const [excludeDays, setExcludeDays] = useState(7);
  const [paceOn, setPaceOn] = useState(false);
  const [perMinute, setPerMinute] = useState(100);
  const [paramsText, setParamsText] = useState("");
  const [when, setWhen] = useState<"now" | "schedule">("now");
  const [schedule, setSchedule] = useState<ScheduleDraft>(defaultSchedule);
  const [issues, setIssues] = useState<Issue[]>([]);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const [scheduled, setScheduled] = useState<ScheduleOut | null>(null);

  useEffect(() => {
    api<Flow>(`flows/${params.uuid}`).then(setFlow, (e) => setLoadError(e.message));
  }, [params.uuid]);

  if (loadError) return <main class="launch"><p role="alert" class="launch-error">{loadError}</p></main>;
  if (!flow) return <main class="launch"><p role="status">Loading…</p></main>;

  const background = flow.type === "messaging_background";
  const startable = flow.published_version !== null && flow.status === "active";

  const submit = async (e: Event) => {
    e.preventDefault();
    setIssues([]);
    setError("");
    setScheduled(null);
    const who = audienceOf(audience);
    if (!who) return setError("Choose who to start: everyone, groups, contacts, URNs or a query.");
    let parsed: Record<string, unknown> | undefined;
    if (paramsText.trim()) {
      try {
        parsed = JSON.parse(paramsText);
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("must be a JSON object");
      } catch (err) {
        setIssues([{ path: "options.params", message: `${(err as Error).message}` }]);
        return setError("Parameters: write a JSON object, like {\"week\": 12}");
      }
    }
    const options = { interrupt: background ? false : interrupt, ...(excludeOn ? { exclude_started_within_days: excludeDays } : {}), ...(paceOn ? { per_minute: perMinute } : {}), ...(parsed ? { params: parsed } : {}) };
    setBusy(true);
    try {
      if (when === "now") {
        const start = await api<{ uuid: string }>("starts", { method: "POST", body: { flow: flow.uuid, audience: who, options } });
        route(`/starts/${start.uuid}`);
      } else {
        setScheduled(await api<ScheduleOut>("schedules", { method: "POST", body: { flow: flow.uuid, audience: who, options, schedule: scheduleOf(schedule) } }));
      }
    } catch (err) {
      if (err instanceof ApiFailure) setIssues(((err.body as { issues?: Issue[] })?.issues ?? []) as Issue[]);
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="launch">
      <header class="launch-head">
        <h1>
          Launch <q>{flow.name}</q>
        </h1>
        <span class={`badge ${background ? "badge-background" : "badge-messaging"}`}>{background ? "background" : "messaging"}</span>
        <span class="launch-version">{flow.published_version === null ? "not published" : `version ${flow.published_version}, ${flow.status}`}</span>
        <a href={`/flows/${flow.uuid}`}>Back to the editor</a>
      </header>
      {!startable && (
        <p class="launch-warning" role="note">
          {flow.published_version === null ? "Publish the flow before starting it now; a schedule can be made already and starts it once published." : `The flow is ${flow.status}: a start made now fails until it is active again.`}
        </p>
      )}
      <form class="launch-form" onSubmit={submit} noValidate>
        <AudiencePicker value={audience} onChange={setAudience} issues={issues} />
        <fieldset class="launch-section">
          <legend>Options</legend>
          {background ? (
            <p class="launch-hint">A background flow runs alongside whatever the contact is doing: it never interrupts and never skips for that.</p>
          ) : (
            <div role="radiogroup" aria-label="Contacts already in a messaging flow">
              <label class="launch-check">
                <input type="radio" name="interrupt" checked={interrupt} onChange={() => setInterrupt(true)} />
                Interrupt contacts who are in another messaging flow
              </label>
              <label class="launch-check">
                <input type="radio" name="interrupt" checked={!interrupt} onChange={() => setInterrupt(false)} />
                Skip contacts who are in a messaging flow
              </label>
            </div>
          )}
          <div class="launch-check">
            <input id="launch-exclude" type="checkbox" checked={excludeOn} onChange={(e) => setExcludeOn(e.currentTarget.checked)} />
            <label for="launch-exclude">Skip contacts who entered this flow in the last</label>
            <input type="number" aria-label="Days" min={1} max={3650} value={excludeDays} disabled={!excludeOn} onInput={(e) => setExcludeDays(Number(e.currentTarget.value))} />
            <span>days</span>
          </div>
          <div class="launch-check">
            <input id="launch-pace" type="checkbox" checked={paceOn} onChange={(e) => setPaceOn(e.currentTarget.checked)} />
            <label for="launch-pace">Start at most</label>
            <input type="number" aria-label="Contacts a minute" min={1} max={100000} value={perMinute} disabled={!paceOn} onInput={(e) => setPerMinute(Number(e.currentTarget.value))} />
            <span>contacts a minute (spreads the replies of a big audience over time)</span>
          </div>
          <label class="launch-field">
            Parameters (optional JSON; the flow reads them as @trigger.params)
            <textarea rows={2} value={paramsText} placeholder={'{"week": 12}'} onInput={(e) => setParamsText(e.currentTarget.value)} />
          </label>
        </fieldset>
        <fieldset class="launch-section">
          <legend>When</legend>
          <label class="launch-check">
            <input type="radio" name="when" checked={when === "now"} onChange={() => setWhen("now")} />
            Now
          </label>
          <label class="launch-check">
            <input type="radio" name="when" checked={when === "schedule"} onChange={() => setWhen("schedule")} />
            On a schedule
          </label>
          {when === "schedule" && <SchedulePicker value={schedule} onChange={setSchedule} issues={issues} />}
        </fieldset>
        {error && (
          <p class="launch-error" role="alert">
            {error}
          </p>
        )}
        {scheduled && (
          <p class="launch-ok" role="status">
            Scheduled: {scheduled.description}. {scheduled.next_fire_at ? `Next start ${new Date(scheduled.next_fire_at).toLocaleString()}.` : "It will not fire."}
          </p>
        )}
        <button type="submit" class="launch-submit" disabled={busy || !canEdit || (when === "now" && !startable)}>
          {when === "now" ? "Start now" : "Create the schedule"}
        </button>
        {!canEdit && <p class="launch-hint">Viewers cannot start flows.</p>}
      </form>
      <StartsList flowUuid={flow.uuid} />
    </main>
  );
}
