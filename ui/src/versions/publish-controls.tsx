import { useState } from "preact/hooks";
import { api, ApiFailure } from "../api";
import { VersionsDialog } from "./versions-dialog";
import { VersionView } from "./version-view";
import "./versions.css";

export type Problem = { node_uuid?: string; action_uuid?: string; message: string; level?: string };
export type PublishControlsProps = {
  flowUuid: string;
  /** A viewer: the versions can be listed and opened, not published, duplicated or restored. */
  readOnly?: boolean;
  /** The draft revision the editor last saved: publishing refuses a draft that moved on since. */
  revision?: number;
  onProblems(problems: Problem[]): void;
  onRestored(): void;
  /** Saves the editor's unsaved changes first: the revision to publish, or null if they could not be saved. */
  beforePublish?: () => Promise<number | null>;
};

type Published = { version: number; published_on: string; warnings: Problem[] };
type Status = { text: string; tone: "ok" | "error" };

// Restoring reloads the editor, which mounts these controls anew: the outcome is handed over here.
const afterReload = new Map<string, Status>();

/** The editor's Publish and Versions buttons (only Versions for a viewer). */
export function PublishControls({ flowUuid, readOnly = false, revision, onProblems, onRestored, beforePublish }: PublishControlsProps) {
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<Status | null>(() => {
    const handed = afterReload.get(flowUuid) ?? null;
    afterReload.delete(flowUuid);
    return handed;
  });
  const [open, setOpen] = useState(false);
  const [viewing, setViewing] = useState<number | null>(null);

  const publish = async () => {
    setBusy(true);
    setStatus(null);
    try {
      // What was typed a moment ago is published too, not only what autosave had saved.
      const saved = beforePublish ? await beforePublish() : revision;
      if (saved === null) {
        setStatus({ text: "Not published: the latest changes could not be saved (see the save status).", tone: "error" });
        return;
      }
      const v = await api<Published>(`flows/${flowUuid}/publish${saved === undefined ? "" : `?draft_revision=${saved}`}`, { method: "POST" });
      onProblems(v.warnings);
      const n = v.warnings.length;
      setStatus({ text: `Published version ${v.version}${n ? `, with ${n} warning${n === 1 ? "" : "s"} shown on the nodes` : ""}`, tone: "ok" });
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 422) {
        const problems = ((e.body as { issues?: Problem[] })?.issues ?? []) as Problem[];
        onProblems(problems);
        setStatus({ text: `Not published: ${e.message}. The problems are shown on their nodes.`, tone: "error" });
      } else setStatus({ text: `Not published: ${(e as Error).message}`, tone: "error" });
    } finally {
      setBusy(false);
    }
  };

  return (
    <span class="publish-controls">
      {!readOnly && (
        <button type="button" class="primary" onClick={publish} disabled={busy}>
          {busy ? "Publishing…" : "Publish"}
        </button>
      )}
      <button type="button" onClick={() => setOpen(true)}>
        Versions
      </button>
      <span role="status" class={status ? `publish-status ${status.tone}` : "publish-status"}>
        {status?.text}
      </span>
      {open && (
        <VersionsDialog
          flowUuid={flowUuid}
          readOnly={readOnly}
          onClose={() => setOpen(false)}
          onRestored={(v) => {
            setOpen(false);
            const restored: Status = { text: `Version ${v} is the draft again`, tone: "ok" };
            setStatus(restored);
            afterReload.set(flowUuid, restored);
            onRestored();
          }}
          onOpen={(v) => {
            setOpen(false);
            setViewing(v);
          }}
        />
      )}
      {viewing !== null && <VersionView flowUuid={flowUuid} version={viewing} onClose={() => setViewing(null)} />}
    </span>
  );
}
