import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "preact/compat";
import { elementName, summarise } from "../elements/registry";
import type { SplitElement } from "../elements/types";
import type { Node } from "./model";
import { shortMessage, type Problem } from "./problems";

export type FlowNodeData = { node: Node; split?: SplitElement; problems?: Problem[]; lit?: boolean; litExits?: Set<string> };

/** A node as TextIt draws it: its actions summarised, then the router and its categories as exits. */
export const FlowNode = memo(function FlowNode({ data, selected }: NodeProps & { data: FlowNodeData }) {
  const { node, split, problems = [] } = data;
  const errors = problems.filter((p) => p.level === "error").length;
  const router = node.router;
  const exitLabels = node.exits.map((e) => ({
    exit: e,
    label: router ? router.categories.filter((c) => c.exit_uuid === e.uuid).map((c) => c.name).join(", ") : "",
  }));
  return (
    <div
      class={`flow-node${selected ? " selected" : ""}${errors ? " has-errors" : problems.length ? " has-warnings" : ""}${data.lit ? " lit" : ""}`}
      data-node-uuid={node.uuid}
    >
      <Handle type="target" position={Position.Top} class="node-target" />
      {problems.length > 0 && (
        <ul class="node-problems" role="alert" aria-label={`${problems.length} problem${problems.length === 1 ? "" : "s"}`}>
          {problems.map((p, i) => (
            <li key={i} class={p.level}>
              {shortMessage(p)}
            </li>
          ))}
        </ul>
      )}
      {node.actions.map((a) => (
        <div class="node-action" key={a.uuid} data-action-uuid={a.uuid}>
          <div class="node-title">{elementName(a)}</div>
          <div class="node-summary">{summarise(a)}</div>
        </div>
      ))}
      {router && (
        <div class="node-router">
          <div class="node-title">{split?.name ?? "Split"}</div>
          {split?.summary && <div class="node-summary">{split.summary(node)}</div>}
          {router.result_name && <div class="node-result">→ {router.result_name}</div>}
        </div>
      )}
      <div class="node-exits">
        {exitLabels.map(({ exit, label }) => (
          <div class={`node-exit${exit.destination_uuid ? " connected" : ""}${data.litExits?.has(exit.uuid) ? " lit" : ""}`} key={exit.uuid} title={label || "next"}>
            <span>{label}</span>
            <Handle type="source" position={Position.Bottom} id={exit.uuid} class="node-source" />
          </div>
        ))}
      </div>
    </div>
  );
});
