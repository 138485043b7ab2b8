import { useRoute } from "preact-iso";
import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import { useMe } from "../shell/me";
import { emptyAssets, loadAssets, type Assets } from "./assets";
import { Editor } from "./editor";
import { layoutMissing } from "./layout";
import { withUiNodes, type Definition } from "./model";

type FlowDetail = { uuid: string; name: string; type: string; draft_revision: number; definition: Definition };
type Loaded = { definition: Definition; revision: number; key: number };

/** /flows/:uuid — the flow's draft on the canvas. */
export function EditorPage() {
  const { params } = useRoute();
  const uuid = params.uuid;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [assets, setAssets] = useState<Assets>(emptyAssets);
  const [failure, setFailure] = useState<string | null>(null);
  // Viewers see the flow but cannot change it.
  const { me, canEdit } = useMe();
  const readOnly = me !== null && !canEdit;

  const load = async () => {
    try {
      const flow = await api<FlowDetail>(`flows/${uuid}`);
      // Flows written without an editor have no positions: they are laid out once, on open.
      const placed = layoutMissing(flow.definition);
      const definition = placed ? withUiNodes(flow.definition, placed) : flow.definition;
      setLoaded((prev) => ({ definition, revision: flow.draft_revision, key: (prev?.key ?? 0) + 1 }));
      document.title = `${flow.name} · Eddy`;
    } catch (e) {
      setFailure((e as Error).message);
    }
  };

  useEffect(() => {
    load();
    loadAssets().then(setAssets);
  }, [uuid]);

  if (failure)
    return (
      <main class="editor-page">
        <p role="alert">Could not open this flow: {failure}</p>
        <a href="/flows">Back to flows</a>
      </main>
    );
  if (!loaded)
    return (
      <main class="editor-page">
        <p role="status">Opening the flow…</p>
      </main>
    );
  return (
    <main class="editor-page">
      <h1 class="visually-hidden">{loaded.definition.name}</h1>
      <Editor key={loaded.key} flowUuid={uuid} initial={loaded.definition} revision={loaded.revision} readOnly={readOnly} assets={assets} onReload={load} />
    </main>
  );
}
