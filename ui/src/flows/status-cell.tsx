import type { FlowItem } from "./types";

const LABELS = { draft: "Draft", active: "Active", paused: "Paused", archived: "Archived" } as const;

/** The flow's status, and, while contacts are still in older versions, that those versions are finishing. */
export function StatusCell({ flow }: { flow: FlowItem }) {
  return (
    <span class="flows-status">
      <span class={`flows-status-${flow.status}`}>{LABELS[flow.status]}</span>
      {flow.finishing.map((v) => (
        <span key={v.version} class="flows-finishing">
          v{v.version} finishing ({v.contacts.toLocaleString()})
        </span>
      ))}
    </span>
  );
}
