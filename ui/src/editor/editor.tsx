import {
  Background,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
  type Node as RfNode,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { Suspense, lazy } from "preact/compat";
import { useCallback, useEffect, useMemo, useRef, useState } from "preact/hooks";
import { ACTIONS, SPLITS, allowedIn } from "../elements/registry";
import { TypeBadge } from "../flows/type-badge";
import type { StoredFlowType } from "../flows/types";
import { PublishControls } from "../versions/publish-controls";
import type { Assets } from "./assets";
import { useAutosave } from "./autosave";
import { makeCanvasItems, measuredOnly, type Lit } from "./canvas-items";
import { copyNodes, pasteNodes } from "./clipboard";
import { FlowSettingsPanel } from "./flow-settings";
import { FlowNode } from "./flow-node";
import { useHistory } from "./history";
import { InsertEdge } from "./insert-edge";
import { NODE_WIDTH } from "./layout";
import { actionNode, addNode, deleteNodes, newUuid, setDestination, withUiNodes, type Definition, type Node } from "./model";
import { NodePanel } from "./node-panel";
import { byNode, shortMessage, validate, type Problem } from "./problems";
import { TranslationsPanel } from "./translations";
import "./editor.css";

// The simulator brings the whole engine: loaded when first opened, not with the canvas.
const SimulatorPanel = lazy(() => import("../simulator/simulator-panel").then((m) => m.SimulatorPanel));

const nodeTypes = { flow: FlowNode };
const edgeTypes = { insert: InsertEdge };
const NO_LIT: Lit = { nodeUuids: new Set(), exitUuids: new Set() };

export type EditorProps = {
  flowUuid: string;
  initial: Definition;
  revision: number;
  readOnly: boolean;
  assets: Assets;
  onReload(): void;
  /** Set when this shows a published version rather than the draft: no publish or versions controls then. */
  version?: number;
};

export function Editor(props: EditorProps) {
  return (
    <ReactFlowProvider>
      <EditorInner {...props} />
    </ReactFlowProvider>
  );
}

const isTyping = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));

function EditorInner({ flowUuid, initial, revision, readOnly, assets, onReload, version }: EditorProps) {
  const history = useHistory(initial);
  const d = history.value;
  const edit = readOnly ? () => {} : history.edit;
  const save = useAutosave(flowUuid, readOnly ? null : d, revision);
  const flow = useReactFlow();

  const problems = useMemo(() => validate(d), [d]);
  const [published, setPublished] = useState<Problem[] | null>(null);
  const problemMap = useMemo(() => byNode(published ?? problems), [problems, published]);
  useEffect(() => setPublished(null), [d]);

  const [lit, setLit] = useState<Lit>(NO_LIT);
  const insertRef = useRef<(exitUuid: string) => void>(() => {});
  const [panel, setPanel] = useState<"none" | "simulator" | "translations" | "problems" | "settings">("none");
  const cache = useRef(new Map());
  const make = useMemo(() => makeCanvasItems(cache.current), []);
  const [selection, setSelection] = useState<{ nodes: string[]; edges: string[] }>({ nodes: [], edges: [] });
  // The first canvas is built during the first render, not one effect later.
  const [rf, setRf] = useState<{ nodes: RfNode[]; edges: Edge[] }>(() => make(d, problemMap, NO_LIT, new Set(), (id) => insertRef.current(id)));
  const pointer = useRef<{ x: number; y: number } | null>(null);
  // Opens at 100% on the flow's top-left, as TextIt does: fitting a 300-node flow would render
  // every node at once, unreadably small.
  const startViewport = useMemo(() => {
    const ps = Object.values(initial._ui?.nodes ?? {}).map((u) => u.position);
    const left = ps.length ? Math.min(...ps.map((p) => p.left)) : 0;
    const top = ps.length ? Math.min(...ps.map((p) => p.top)) : 0;
    return { x: 40 - left, y: 30 - top, zoom: 1 };
  }, []);

  const viewportCenter = () => {
    const el = document.querySelector(".editor-canvas")?.getBoundingClientRect();
    return flow.screenToFlowPosition(el ? { x: el.left + el.width / 2, y: el.top + el.height / 2 } : { x: 400, y: 300 });
  };

  const insertOnEdge: (exitUuid: string) => void = useCallback(
    (exitUuid: string) =>
      edit((cur) => {
        const from = cur.nodes.find((n) => n.exits.some((e) => e.uuid === exitUuid));
        if (!from) return cur;
        const ui = cur._ui?.nodes ?? {};
        const to = from.exits.find((e) => e.uuid === exitUuid)!.destination_uuid;
        const a = ui[from.uuid]?.position ?? { left: 0, top: 0 };
        const b = (to && ui[to]?.position) || { left: a.left, top: a.top + 200 };
        const node = actionNode([{ uuid: newUuid(), type: "send_msg", text: "" }]);
        return addNode(cur, node, { position: { left: Math.round((a.left + b.left) / 2 + NODE_WIDTH / 2 + 20), top: Math.round((a.top + b.top) / 2) } }, { nodeUuid: from.uuid, exitUuid });
      }),
    [edit],
  );

  insertRef.current = insertOnEdge;

  // Rebuilt on every change of the draft; measured sizes and selection carry over.
  useEffect(() => {
    setRf((prev) => {
      const built = make(d, problemMap, lit, new Set([...selection.nodes, ...selection.edges]), (id) => insertRef.current(id));
      const before = new Map(prev.nodes.map((n) => [n.id, n]));
      const nodes = built.nodes.map((n) => {
        const p = before.get(n.id);
        if (!p) return n;
        if (p.data === n.data && p.position.x === n.position.x && p.position.y === n.position.y) return p;
        return measuredOnly({ ...n, measured: p.measured, selected: p.selected });
      });
      return { nodes, edges: built.edges };
    });
  }, [d, problemMap, lit]);

  const onNodesChange = useCallback(
    (changes: NodeChange[]) =>
      setRf((s) => {
        const nodes = applyNodeChanges(changes, s.nodes);
        return { ...s, nodes: changes.some((c) => c.type === "dimensions") ? nodes.map(measuredOnly) : nodes };
      }),
    [],
  );
  const onEdgesChange = useCallback((changes: EdgeChange[]) => setRf((s) => ({ ...s, edges: applyEdgeChanges(changes, s.edges) })), []);
  const onSelectionChange = useCallback(({ nodes, edges }: { nodes: RfNode[]; edges: Edge[] }) => setSelection({ nodes: nodes.map((n) => n.id), edges: edges.map((e) => e.id) }), []);

  const onNodeDragStop = useCallback(
    (_e: unknown, _n: RfNode, moved: RfNode[]) =>
      edit((cur) => withUiNodes(cur, Object.fromEntries(moved.map((n) => [n.id, { position: { left: Math.round(n.position.x), top: Math.round(n.position.y) } }])))),
    [edit],
  );
  const onConnect = useCallback(
    (c: Connection) => {
      if (c.source && c.sourceHandle && c.target && c.source !== c.target) edit((cur) => setDestination(cur, c.source, c.sourceHandle!, c.target));
    },
    [edit],
  );
  // Dropping a connection on empty canvas makes a new message node there, connected.
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid || !state.fromNode || !state.fromHandle?.id || state.toNode) return;
      const at = "clientX" in event ? event : event.changedTouches[0];
      const p = flow.screenToFlowPosition({ x: at.clientX, y: at.clientY });
      const node = actionNode([{ uuid: newUuid(), type: "send_msg", text: "" }]);
      const from = { nodeUuid: state.fromNode.id, exitUuid: state.fromHandle.id };
      edit((cur) => setDestination(addNode(cur, node, { position: { left: Math.round(p.x - NODE_WIDTH / 2), top: Math.round(p.y) } }), from.nodeUuid, from.exitUuid, node.uuid));
    },
    [edit, flow],
  );
  const onDelete = useCallback(
    ({ nodes, edges }: { nodes: RfNode[]; edges: Edge[] }) =>
      edit((cur) => {
        let next = deleteNodes(cur, new Set(nodes.map((n) => n.id)));
        for (const e of edges) if (next.nodes.some((n) => n.uuid === e.source)) next = setDestination(next, e.source, e.sourceHandle ?? e.id, null);
        return next;
      }),
    [edit],
  );

  const addNew = (make: () => Node, uiType?: string) => {
    const node = make();
    const c = viewportCenter();
    edit((cur) => addNode(cur, node, { position: { left: Math.round(c.x - NODE_WIDTH / 2), top: Math.round(c.y - 40) }, ...(uiType ? { type: uiType } : {}) }));
    setRf((s) => ({ ...s, nodes: s.nodes.map((n) => ({ ...n, selected: false })) }));
    setSelection({ nodes: [node.uuid], edges: [] });
  };

  // Keyboard: undo/redo, select all, escape; copy, cut and paste through the clipboard events so
  // no permission prompt is needed and text fields keep their own behaviour.
  useEffect(() => {
    const keydown = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === "z") {
        e.preventDefault();
        if (e.shiftKey) history.redo();
        else history.undo();
      } else if (mod && e.key.toLowerCase() === "y") {
        e.preventDefault();
        history.redo();
      } else if (mod && e.key.toLowerCase() === "a") {
        e.preventDefault();
        setRf((s) => ({ ...s, nodes: s.nodes.map((n) => ({ ...n, selected: true })) }));
      } else if (e.key === "Escape") {
        setRf((s) => ({ nodes: s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), edges: s.edges.map((x) => (x.selected ? { ...x, selected: false } : x)) }));
      }
    };
    const copy = (e: ClipboardEvent) => {
      // What React Flow has selected now: the selection state may be a render behind a quick Ctrl+A, Ctrl+C.
      const chosen = new Set(flow.getNodes().filter((n) => n.selected).map((n) => n.id));
      if (isTyping(e.target) || !chosen.size) return;
      e.clipboardData?.setData("text/plain", copyNodes(d, chosen));
      e.preventDefault();
      if (e.type === "cut") edit((cur) => deleteNodes(cur, chosen));
    };
    const paste = (e: ClipboardEvent) => {
      if (isTyping(e.target) || readOnly) return;
      const text = e.clipboardData?.getData("text/plain") ?? "";
      const at = pointer.current ?? viewportCenter();
      const pasted = pasteNodes(d, text, { x: at.x + 30, y: at.y + 30 });
      if (!pasted) return;
      e.preventDefault();
      edit(() => pasted.definition);
      const chosen = new Set(pasted.uuids);
      setTimeout(() => setRf((s) => ({ ...s, nodes: s.nodes.map((n) => ({ ...n, selected: chosen.has(n.id) })) })));
    };
    addEventListener("keydown", keydown);
    document.addEventListener("copy", copy);
    document.addEventListener("cut", copy);
    document.addEventListener("paste", paste);
    return () => {
      removeEventListener("keydown", keydown);
      document.removeEventListener("copy", copy);
      document.removeEventListener("cut", copy);
      document.removeEventListener("paste", paste);
    };
  }, [d, readOnly]);

  const selectedNode = selection.nodes.length === 1 ? d.nodes.find((n) => n.uuid === selection.nodes[0]) : undefined;
  const errors = problems.filter((p) => p.level === "error").length;
  const focusNode = (uuid?: string) => {
    const n = rf.nodes.find((x) => x.id === uuid);
    if (!n) return;
    setRf((s) => ({ ...s, nodes: s.nodes.map((x) => ({ ...x, selected: x.id === uuid })) }));
    flow.setCenter(n.position.x + NODE_WIDTH / 2, n.position.y + 60, { zoom: 1, duration: 300 });
  };
  const toggle = (p: typeof panel) => setPanel((cur) => (cur === p ? "none" : p));

  return (
    <div class="editor">
      <div class="editor-toolbar" role="toolbar" aria-label="Flow editor">
        <strong class="editor-name">{d.name}</strong>
        <TypeBadge type={d.type as StoredFlowType} />
        {readOnly ? <span class="save-state">read-only</span> : <SaveIndicator status={save.status} message={save.message} onReload={onReload} />}
        {!readOnly && <AddMenu type={d.type} onAdd={addNew} />}
        <button type="button" onClick={history.undo} disabled={!history.canUndo || readOnly} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button type="button" onClick={history.redo} disabled={!history.canRedo || readOnly} title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
        <button type="button" class={`problems-button${errors ? " has-errors" : ""}`} aria-pressed={panel === "problems"} onClick={() => toggle("problems")}>
          {problems.length ? `${problems.length} problem${problems.length === 1 ? "" : "s"}` : "No problems"}
        </button>
        <button type="button" aria-pressed={panel === "translations"} onClick={() => toggle("translations")}>
          Translations
        </button>
        <button type="button" aria-pressed={panel === "settings"} onClick={() => toggle("settings")}>
          Settings
        </button>
        <span class="toolbar-spacer" />
        <button
          type="button"
          aria-pressed={panel === "simulator"}
          onClick={() => {
            toggle("simulator");
            setLit(NO_LIT);
          }}
        >
          Simulate
        </button>
        {version === undefined && <PublishControls readOnly={readOnly} flowUuid={flowUuid} revision={save.revision} beforePublish={save.saveNow} onProblems={(p) => setPublished(p.map((x) => ({ ...x, level: x.level === "warning" ? "warning" : "error" })))} onRestored={onReload} />}
        <a class="button" href={`/flows/${flowUuid}/launch`}>
          Launch
        </a>
      </div>
      <div class="editor-body">
        <div class="editor-canvas" onPointerMove={(e) => (pointer.current = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }))}>
          <ReactFlow
            nodes={rf.nodes}
            edges={rf.edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onSelectionChange={onSelectionChange}
            onNodeDragStop={onNodeDragStop}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            onDelete={onDelete}
            nodesDraggable={!readOnly}
            nodesConnectable={!readOnly}
            deleteKeyCode={readOnly ? null : ["Backspace", "Delete"]}
            multiSelectionKeyCode={["Meta", "Control"]}
            selectionKeyCode="Shift"
            onlyRenderVisibleElements
            defaultViewport={startViewport}
            minZoom={0.1}
            maxZoom={2}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} />
            <Controls />
            <MiniMap pannable zoomable ariaLabel="Overview of the flow" />
          </ReactFlow>
          {!d.nodes.length && !readOnly && <p class="canvas-empty">This flow is empty: add a first node with “Add”.</p>}
        </div>
        {panel === "problems" && (
          <aside class="side-panel" aria-label="Problems">
            <h2>Problems</h2>
            {!problems.length && <p>None: the flow can be published.</p>}
            <ul class="problem-list">
              {problems.map((p, i) => (
                <li key={i} class={p.level}>
                  <button type="button" class="link" onClick={() => focusNode(p.node_uuid)} disabled={!p.node_uuid}>
                    {p.level}: {shortMessage(p)}
                  </button>
                </li>
              ))}
            </ul>
          </aside>
        )}
        {panel === "settings" && (
          <FlowSettingsPanel
            definition={d}
            readOnly={readOnly}
            onType={(type) => edit((cur) => ({ ...cur, type }))}
            onVariables={(variables) =>
              edit((cur) => {
                const { variables: _, ...rest } = cur;
                return variables.length ? { ...rest, variables } : rest;
              }, "variables")
            }
            onShowNode={focusNode}
          />
        )}
        {panel === "translations" && <TranslationsPanel key={history.jumps} definition={d} edit={edit} readOnly={readOnly} />}
        {panel === "simulator" && (
          <Suspense fallback={<aside class="side-panel">Loading the simulator…</aside>}>
            <SimulatorPanel definition={d} flowUuid={flowUuid} onPath={(p) => setLit({ nodeUuids: new Set(p.nodeUuids), exitUuids: new Set(p.exitUuids) })} />
          </Suspense>
        )}
        {panel === "none" && selectedNode && (
          <NodePanel key={`${selectedNode.uuid}.${history.jumps}`} definition={d} node={selectedNode} problems={problemMap.get(selectedNode.uuid) ?? []} edit={edit} readOnly={readOnly} assets={assets} />
        )}
      </div>
    </div>
  );
}

function SaveIndicator({ status, message, onReload }: { status: string; message?: string; onReload(): void }) {
  if (status === "conflict")
    return (
      <span class="save-state conflict" role="alert">
        Someone else saved this flow while you were editing it: your latest changes are not saved. {message}{" "}
        <button type="button" onClick={onReload}>
          Reload their version
        </button>
      </span>
    );
  const text = { saved: "Saved", pending: "Unsaved changes", saving: "Saving…", error: `Not saved: ${message ?? ""}` }[status] ?? status;
  return (
    <span class={`save-state ${status}`} role="status">
      {text}
    </span>
  );
}

function AddMenu({ type, onAdd }: { type: Definition["type"]; onAdd(make: () => Node, uiType?: string): void }) {
  return (
    <select
      aria-label="Add a node"
      value=""
      onChange={(e) => {
        const v = (e.target as HTMLSelectElement).value;
        (e.target as HTMLSelectElement).value = "";
        const action = ACTIONS.find((a) => a.type === v);
        if (action) onAdd(() => actionNode([{ uuid: newUuid(), type: action.type, ...action.defaults() } as Node["actions"][number]]), "execute_actions");
        const split = SPLITS.find((s) => s.ui === v);
        if (split) onAdd(() => split.create(newUuid), split.ui);
      }}
    >
      <option value="">Add…</option>
      <optgroup label="Actions">
        {ACTIONS.filter((a) => allowedIn(a, type)).map((a) => (
          <option key={a.type} value={a.type}>
            {a.name}
          </option>
        ))}
      </optgroup>
      <optgroup label="Splits and waits">
        {SPLITS.filter((s) => allowedIn(s, type)).map((s) => (
          <option key={s.ui} value={s.ui}>
            {s.name}
          </option>
        ))}
      </optgroup>
    </select>
  );
}
