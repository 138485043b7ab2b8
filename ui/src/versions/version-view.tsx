import { useEffect, useRef, useState } from "preact/hooks";
import { api } from "../api";
import { loadAssets, type Assets } from "../editor/assets";
import { Editor } from "../editor/editor";
import { layoutMissing } from "../editor/layout";
import { withUiNodes, type Definition } from "../editor/model";

/** A published version on a read-only canvas (it can be simulated, not changed), over the editor. */
export function VersionView({ flowUuid, version, onClose }: { flowUuid: string; version: number; onClose(): void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [loaded, setLoaded] = useState<{ definition: Definition; assets: Assets } | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    dialog.current?.showModal?.();
    Promise.all([api<{ definition: Definition }>(`flows/${flowUuid}/versions/${version}`), loadAssets()]).then(
      ([v, assets]) => {
        const placed = layoutMissing(v.definition);
        setLoaded({ definition: placed ? withUiNodes(v.definition, placed) : v.definition, assets });
      },
      (e) => setError(e.message),
    );
  }, [flowUuid, version]);

  return (
    <dialog ref={dialog} class="version-view" aria-labelledby="version-view-title" onClose={onClose}>
      <header>
        <h2 id="version-view-title">Version {version} (read-only)</h2>
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </header>
      {error && <p role="alert" class="versions-error">{error}</p>}
      {loaded && (
        <div class="editor-page version-view-canvas">
          <Editor flowUuid={flowUuid} initial={loaded.definition} revision={0} readOnly version={version} assets={loaded.assets} onReload={() => {}} />
        </div>
      )}
    </dialog>
  );
}
