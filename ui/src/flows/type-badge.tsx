import type { StoredFlowType } from "./types";
import "./type-badge.css";

const BADGES: Record<StoredFlowType, { label: string; title: string }> = {
  messaging: { label: "Messaging", title: "Talks with contacts and may wait for their replies" },
  messaging_background: { label: "Background", title: "Runs without waiting for replies, alongside other flows" },
  messaging_offline: { label: "Offline", title: "A Surveyor flow, run on a phone offline: Eddy keeps it but does not start it" },
};

/** A flow's type, shown wherever the flow is named (list, editor, launch), so a background flow is never mistaken for one that talks with contacts. */
export function TypeBadge({ type }: { type: StoredFlowType }) {
  const { label, title } = BADGES[type];
  return (
    <span class={`type-badge type-badge-${label.toLowerCase()}`} title={title}>
      {label}
    </span>
  );
}
