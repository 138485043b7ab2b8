import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";

export type InsertEdgeData = { onInsert(edgeId: string): void; lit?: boolean };

/** A connection; once selected it offers a button that puts a new node between its two ends. */
export function InsertEdge(props: EdgeProps & { data: InsertEdgeData }) {
  const [path, x, y] = getBezierPath(props);
  return (
    <>
      <BaseEdge id={props.id} path={path} markerEnd={props.markerEnd} class={props.data?.lit ? "lit" : undefined} />
      {props.selected && (
        <EdgeLabelRenderer>
          <button
            type="button"
            class="edge-insert nodrag nopan"
            style={{ transform: `translate(-50%, -50%) translate(${x}px, ${y}px)` }}
            onClick={() => props.data.onInsert(props.id)}
            title="Add a node here"
            aria-label="Add a node here"
          >
            +
          </button>
        </EdgeLabelRenderer>
      )}
    </>
  );
}
