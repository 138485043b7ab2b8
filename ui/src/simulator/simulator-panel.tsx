import { useEffect, useRef, useState } from "preact/hooks";
import { engineEnvironment, type WorkspaceEnvironment } from "../../../durable/contact/environment";
import type { EnvironmentJSON } from "../../../durable/engine";
import { api } from "../api";
import { reachableFlows } from "./assets";
import { Chat } from "./chat";
import { ContactForm, type FieldDef, type GroupDef } from "./contact-form";
import { ContextExplorer } from "./context-explorer";
import { EventLog } from "./event-log";
import { simulatorHttp, type Mock } from "./http";
import { MocksEditor } from "./mocks-editor";
import { ProfileEditor } from "./profile-editor";
import { contactJSON, Simulation, simulatorAssets, type FieldType, type TestContact } from "./simulation";
import { download, transcriptJSON, transcriptText } from "./transcript";
import "./simulator.css";

export type SimulatorPanelProps = {
  /** The current draft definition. */
  definition: unknown;
  flowUuid: string;
  onPath(path: { nodeUuids: string[]; exitUuids: string[] }): void;
};

type Tab = "chat" | "events" | "context" | "mocks";
type Setup = { contact: TestContact; mocks: Mock[]; params: string; message: string };

const DEFAULT_SETUP: Setup = {
  contact: { name: "Test Contact", urn: "tel:+250788000001", language: "eng", timezone: "", fields: {}, groups: [] },
  mocks: [],
  params: "{}",
  message: "",
};

// Kept per flow in this browser, so testing again after an edit needs no retyping.
const storageKey = (flow: string) => `eddy.simulator.${flow}`;
function loadSetup(flow: string): Setup {
  try {
    return { ...DEFAULT_SETUP, ...JSON.parse(localStorage.getItem(storageKey(flow)) ?? "{}") };
  } catch {
    return DEFAULT_SETUP;
  }
}

/**
 * The simulator: the engine runs here, in the browser, on the draft (or a published version), for
 * a test contact; nothing is written and nothing is sent. Webhooks go through the Worker or a mock.
 */
export function SimulatorPanel({ definition, flowUuid, onPath }: SimulatorPanelProps) {
  const [setup, setSetup] = useState<Setup>(() => loadSetup(flowUuid));
  const [fields, setFields] = useState<FieldDef[]>([]);
  const [groups, setGroups] = useState<GroupDef[]>([]);
  const [versions, setVersions] = useState<number[]>([]);
  const [source, setSource] = useState("draft");
  const [sim, setSim] = useState<Simulation>();
  const [, setTick] = useState(0);
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState<Tab>("chat");
  const [problem, setProblem] = useState("");
  // The draft the running simulation was started on: editing the canvas does not change it.
  const startedOn = useRef<unknown>(undefined);
  const mocks = useRef(setup.mocks);
  mocks.current = setup.mocks;

  useEffect(() => {
    api<{ results: FieldDef[] }>("fields").then((r) => setFields(r.results), () => {});
    api<{ results: GroupDef[] }>("groups").then((r) => setGroups(r.results), () => {});
    api<{ results: { version: number }[] }>(`flows/${flowUuid}/versions`).then((r) => setVersions(r.results.map((v) => v.version)), () => {});
  }, [flowUuid]);
  useEffect(() => localStorage.setItem(storageKey(flowUuid), JSON.stringify(setup)), [flowUuid, setup]);

  const refresh = (s: Simulation) => {
    setTick((t) => t + 1);
    onPath(s.path());
  };
  const act = (f: () => Promise<void>) => {
    if (!sim) return;
    setBusy(true);
    f().finally(() => {
      setBusy(false);
      refresh(sim);
    });
  };

  const start = async () => {
    setProblem("");
    let params: Record<string, unknown>;
    try {
      params = JSON.parse(setup.params || "{}");
      if (!params || typeof params !== "object" || Array.isArray(params)) throw new Error("must be a JSON object");
    } catch (e) {
      setProblem(`Parameters: ${(e as Error).message}`);
      return;
    }
    if (!/^[a-z][a-z0-9-]*:.+$/.test(setup.contact.urn)) {
      setProblem("URN: write it as scheme:path, like tel:+250788123123");
      return;
    }
    setBusy(true);
    try {
      const def = source === "draft" ? definition : (await api<{ definition: unknown }>(`flows/${flowUuid}/versions/${source}`)).definition;
      const root = def as { uuid: string; name: string };
      // The workspace's fields, groups and environment as they are now (a start right after the page opened does not wait
      // for the lists above); the environment given to the session as the contact's object gives it (never set: goflow's defaults).
      const [fields, groups, env] = await Promise.all([
        api<{ results: FieldDef[] }>("fields").then((r) => r.results),
        api<{ results: GroupDef[] }>("groups").then((r) => r.results),
        api<WorkspaceEnvironment & { modified_on: string | null }>("environment"),
      ]);
      setFields(fields);
      setGroups(groups);
      const environment: EnvironmentJSON | null = env.modified_on ? engineEnvironment(env) : null;
      const assets = simulatorAssets(await reachableFlows(root), fields.map((f) => ({ key: f.key, name: f.name, type: f.type as FieldType })), groups.map((g) => ({ uuid: g.uuid, name: g.name, ...(g.query ? { query: g.query } : {}) })));
      const s = new Simulation(assets, { uuid: root.uuid, name: root.name }, contactJSON(setup.contact, new Map(fields.map((f) => [f.key, f.type])), Date.now()), simulatorHttp(() => mocks.current), environment);
      await s.start(params, setup.message.trim() || undefined);
      startedOn.current = definition;
      setSim(s);
      setTab("chat");
      refresh(s);
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const restart = () => {
    setSim(undefined);
    onPath({ nodeUuids: [], exitUuids: [] });
  };

  const flowName = (definition as { name?: string })?.name ?? "flow";
  const share = (kind: "text" | "json" | "copy") => {
    if (!sim) return;
    const text = transcriptText(flowName, setup.contact, sim.lines);
    if (kind === "copy") navigator.clipboard?.writeText(text);
    else if (kind === "text") download(`simulation-${flowUuid.slice(0, 8)}.txt`, "text/plain", text);
    else download(`simulation-${flowUuid.slice(0, 8)}.json`, "application/json", transcriptJSON({ uuid: flowUuid, name: flowName, version: source }, setup.contact, sim.lines, sim.events));
  };

  return (
    <section class="sim" aria-label="Simulator">
      <header class="sim-head">
        <h2>Simulator</h2>
        {sim ? (
          <button type="button" onClick={restart}>
            Restart
          </button>
        ) : null}
      </header>
      {!sim ? (
        <form
          class="sim-setup"
          onSubmit={(e) => {
            e.preventDefault();
            start();
          }}
        >
          <label>
            Run
            <select value={source} onChange={(e) => setSource(e.currentTarget.value)}>
              <option value="draft">the draft</option>
              {versions.map((v) => (
                <option value={String(v)}>version {v}</option>
              ))}
            </select>
          </label>
          <label>
            First message from the contact (optional: the flow starts as a keyword would start it, and the message answers its first wait)
            <input value={setup.message} placeholder="join" onInput={(e) => setSetup({ ...setup, message: e.currentTarget.value })} />
          </label>
          <ContactForm contact={setup.contact} fields={fields} groups={groups} onChange={(contact) => setSetup({ ...setup, contact })} />
          <label>
            Parameters (@trigger.params, JSON)
            <textarea rows={2} value={setup.params} onInput={(e) => setSetup({ ...setup, params: e.currentTarget.value })} />
          </label>
          <MocksEditor mocks={setup.mocks} onChange={(m) => setSetup({ ...setup, mocks: m })} />
          {problem && (
            <p class="sim-problem" role="alert">
              {problem}
            </p>
          )}
          <button type="submit" class="sim-primary" disabled={busy}>
            Start the simulation
          </button>
        </form>
      ) : (
        <>
          {source === "draft" && startedOn.current !== definition && <p class="sim-hint">The draft has changed since this simulation started: restart to try the changes.</p>}
          <div class="sim-tabs" role="tablist">
            {(["chat", "events", "context", "mocks"] as Tab[]).map((t) => (
              <button type="button" role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
                {t === "chat" ? "Chat" : t === "events" ? `Events (${sim.events.length})` : t === "context" ? "Context" : `Mocks (${setup.mocks.length})`}
              </button>
            ))}
          </div>
          <div class="sim-body" role="tabpanel">
            {tab === "chat" && <Chat sim={sim} busy={busy} act={act} />}
            {tab === "chat" && sim.waiting && <ProfileEditor sim={sim} fields={fields} busy={busy} act={act} />}
            {tab === "events" && <EventLog events={sim.events} />}
            {tab === "context" && <ContextExplorer context={sim.context()} evaluate={(t) => sim.evaluate(t)} />}
            {tab === "mocks" && <MocksEditor mocks={setup.mocks} onChange={(m) => setSetup({ ...setup, mocks: m })} />}
          </div>
          <footer class="sim-share">
            Transcript:{" "}
            <button type="button" class="sim-link" onClick={() => share("copy")}>
              copy
            </button>{" "}
            <button type="button" class="sim-link" onClick={() => share("text")}>
              download text
            </button>{" "}
            <button type="button" class="sim-link" onClick={() => share("json")}>
              download JSON
            </button>
          </footer>
        </>
      )}
    </section>
  );
}
