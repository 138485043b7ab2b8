import type { FlowType } from "./types";
import "./type-badge.css";

/** A flow's type, shown wherever the flow is named (list, editor, launch), so a background flow is never mistaken for one that talks with contacts. */
export function TypeBadge({ type }: { type: FlowType }) {
  const background = type === "messaging_background";
  return (
    <span class={`type-badge ${background ? "type-badge-background" : "type-badge-messaging"}`} title={background ? "Runs without waiting for replies, alongside other flows" : "Talks with contacts and may wait for their replies"}>
      {background ? "Background" : "Messaging"}
    </span>
  );
}
