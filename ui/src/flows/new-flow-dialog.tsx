import { useRef, useState } from "preact/hooks";
import { api, ApiFailure } from "../api";
import type { FlowType } from "./types";

const TYPES: { value: FlowType; label: string; hint: string }[] = [
  { value: "messaging", label: "Messaging", hint: "Talks with contacts and can wait for their replies. A contact is in one messaging flow at a time." },
  { value: "messaging_background", label: "Background", hint: "Runs without waiting for replies (updates, reminders, bookkeeping), alongside any other flow; never interrupts one." },
];

/** New flow: a name and a type, as TextIt asks; then the editor opens on it. */
export function NewFlowDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (uuid: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      const flow = await api<{ uuid: string }>("flows", { method: "POST", body: { name: form.get("name"), type: form.get("type") } });
      onCreated(flow.uuid);
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : "The flow could not be created.");
      setBusy(false);
    }
  };

  return (
    <dialog ref={(el) => { dialog.current = el; if (el && !el.open) el.showModal(); }} class="flows-dialog" aria-labelledby="new-flow-title" onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="new-flow-title">New flow</h2>
        <label for="new-flow-name">Name</label>
        <input id="new-flow-name" name="name" required maxLength={64} autoFocus />
        <fieldset>
          <legend>Type</legend>
          {TYPES.map((t, i) => (
            <label key={t.value} class="flows-type-choice">
              <input type="radio" name="type" value={t.value} defaultChecked={i === 0} />
              <span>
                <strong>{t.label}</strong>
                <span class="flows-hint">{t.hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <p class="flows-error" role="alert">
          {error}
        </p>
        <div class="flows-dialog-buttons">
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button type="submit" class="flows-primary" disabled={busy}>
            Create
          </button>
        </div>
      </form>
    </dialog>
  );
}
