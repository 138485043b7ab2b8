import { useState } from "preact/hooks";
import type { SimEvent } from "./simulation";

/** What the engine logged, sprint by sprint; each event opens to its JSON. */
export function EventLog({ events }: { events: SimEvent[] }) {
  if (!events.length) return <p class="sim-hint">No events yet.</p>;
  return (
    <ol class="sim-events" aria-label="Events">
      {events.map((e, i) => (
        <EventItem key={i} event={e} first={i === 0 || events[i - 1].sprint !== e.sprint} />
      ))}
    </ol>
  );
}

function summary(e: SimEvent): string {
  const f = e as Record<string, any>;
  switch (e.type) {
    case "msg_created":
    case "msg_received":
      return f.msg.text;
    case "run_result_changed":
      return `${f.name} = ${JSON.stringify(f.value)} (${f.category})`;
    case "contact_field_changed":
      return `${f.field.key} = ${f.value ? JSON.stringify(f.value.text) : "cleared"}`;
    case "webhook_called":
      return `${f.url} → ${f.status_code ?? f.status} in ${f.elapsed_ms} ms`;
    case "run_started":
    case "run_ended":
      return `${f.flow?.name ?? ""}${f.status ? `: ${f.status}` : ""}`;
    case "contact_groups_changed":
      return [...(f.groups_added ?? []).map((g: { name: string }) => `+${g.name}`), ...(f.groups_removed ?? []).map((g: { name: string }) => `-${g.name}`)].join(" ");
    case "msg_wait":
      return f.timeout_seconds ? `timeout ${f.timeout_seconds} s` : "";
    case "error":
    case "warning":
    case "failure":
      return f.text;
    default:
      return "";
  }
}

function EventItem({ event, first }: { event: SimEvent; first: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <li class={`sim-event sim-event-${event.type}${first ? " sim-sprint-start" : ""}`}>
      <button type="button" class="sim-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <code>{event.type}</code> <span>{summary(event)}</span>
      </button>
      {open && <pre>{JSON.stringify(event, null, 2)}</pre>}
    </li>
  );
}
