import { useEffect, useRef, useState } from "preact/hooks";
import { ApiFailure, api } from "../api";
import type { Definition } from "./model";

export type SaveState = { status: "saved" | "pending" | "saving" | "error" | "conflict"; message?: string; revision: number };

const DELAY_MS = 800;

/**
 * Drafts save themselves a moment after the last change, each save carrying the revision it was
 * edited from: when someone else saved in between, the server answers 409 and nothing more is
 * saved until the person reloads, so neither overwrites the other silently.
 */
export function useAutosave(flowUuid: string, definition: Definition | null, loadedRevision: number) {
  const [state, setState] = useState<SaveState>({ status: "saved", revision: loadedRevision });
  const saved = useRef<Definition | null>(definition);
  const revision = useRef(loadedRevision);
  const busy = useRef(false);
  const latest = useRef(definition);
  latest.current = definition;

  useEffect(() => {
    revision.current = loadedRevision;
    saved.current = latest.current;
    setState({ status: "saved", revision: loadedRevision });
  }, [loadedRevision, flowUuid]);

  const inflight = useRef<Promise<void> | null>(null);
  /** Saves what is unsaved (after a save in flight); the revision saved, or null when it could not be. */
  const flush = async (): Promise<number | null> => {
    if (inflight.current) await inflight.current;
    const d = latest.current;
    if (!d || d === saved.current) return revision.current;
    if (busy.current || state.status === "conflict") return null;
    busy.current = true;
    setState((s) => ({ ...s, status: "saving" }));
    inflight.current = (async () => {
      try {
        const res = await api<{ draft_revision: number }>(`flows/${flowUuid}`, { method: "PATCH", body: { definition: d, type: d.type, draft_revision: revision.current } });
        revision.current = res.draft_revision;
        saved.current = d;
        setState({ status: latest.current === d ? "saved" : "pending", revision: res.draft_revision });
      } catch (e) {
        const conflict = e instanceof ApiFailure && e.status === 409;
        setState((s) => ({ ...s, status: conflict ? "conflict" : "error", message: (e as Error).message }));
      } finally {
        busy.current = false;
      }
    })();
    await inflight.current;
    inflight.current = null;
    return saved.current === d ? revision.current : null;
  };

  useEffect(() => {
    if (!definition || definition === saved.current || state.status === "conflict") return;
    if (state.status === "saved") setState((s) => ({ ...s, status: "pending" }));
    const timer = setTimeout(flush, DELAY_MS);
    return () => clearTimeout(timer);
  }, [definition, state.status === "saving"]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (latest.current !== saved.current) e.preventDefault();
    };
    addEventListener("beforeunload", warn);
    return () => removeEventListener("beforeunload", warn);
  }, []);

  return { ...state, saveNow: flush };
}
