import { useEffect, useRef, useState } from "preact/hooks";
import { duration, type Line, type Simulation } from "./simulation";

/** The conversation, the reply box and the virtual clock's controls. */
export function Chat({ sim, busy, act }: { sim: Simulation; busy: boolean; act(f: () => Promise<void>): void }) {
  const [text, setText] = useState("");
  const [hours, setHours] = useState(24);
  const [eventName, setEventName] = useState("");
  const [eventProps, setEventProps] = useState("{}");
  const [eventError, setEventError] = useState("");
  const sendEvent = () => {
    let properties: unknown;
    try {
      properties = JSON.parse(eventProps || "{}");
      if (!properties || typeof properties !== "object" || Array.isArray(properties)) throw new Error("must be a JSON object");
    } catch (e) {
      return setEventError(`Properties: ${(e as Error).message}`);
    }
    setEventError("");
    act(() => sim.sendEvent(eventName.trim(), properties as Record<string, unknown>));
  };
  const eventForm = (
    <form
      class="sim-event"
      aria-label="Send an event"
      onSubmit={(e) => {
        e.preventDefault();
        sendEvent();
      }}
    >
      <label>
        Event
        <input value={eventName} placeholder="purchase" onInput={(e) => setEventName(e.currentTarget.value)} />
      </label>
      <label>
        Properties (JSON)
        <input value={eventProps} onInput={(e) => setEventProps(e.currentTarget.value)} />
      </label>
      <button type="submit" disabled={busy || !eventName.trim()}>
        Send the event
      </button>
      {eventError && <p class="sim-error" role="alert">{eventError}</p>}
    </form>
  );
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => end.current?.scrollIntoView?.({ block: "end" }), [sim.lines.length]);

  const send = (t: string) => {
    if (!t.trim()) return;
    setText("");
    act(() => sim.reply(t));
  };
  const timeout = sim.timeoutDue();
  const expiry = sim.expiresAt();
  const lastOut = [...sim.lines].reverse().find((l): l is Extract<Line, { kind: "out" }> => l.kind === "out");
  const lastIsOut = sim.lines.length > 0 && sim.lines.at(-1) === lastOut;

  return (
    <div class="sim-chat">
      <div class="sim-lines" role="log" aria-label="Conversation" aria-live="polite">
        {sim.lines.map((l, i) => (
          <div key={i} class={`sim-line sim-${l.kind}${l.kind === "note" && l.tone ? ` sim-${l.tone}` : ""}`}>
            {l.kind === "out" ? (
              <>
                <span class="sim-bubble">{l.text}</span>
                {l.attachments.map((a) => <span class="sim-attachment">{a}</span>)}
                {l.unsendable && <small class="sim-error">not sendable: {l.unsendable}</small>}
              </>
            ) : l.kind === "in" ? (
              <span class="sim-bubble">{l.text}</span>
            ) : (
              <span>{l.text}</span>
            )}
          </div>
        ))}
        <div ref={end} />
      </div>
      {lastIsOut && lastOut && lastOut.quickReplies.length > 0 && sim.waiting && (
        <div class="sim-quick" role="group" aria-label="Quick replies">
          {lastOut.quickReplies.map((q) => (
            <button type="button" disabled={busy} onClick={() => send(q)}>
              {q}
            </button>
          ))}
        </div>
      )}
      <form
        class="sim-reply"
        onSubmit={(e) => {
          e.preventDefault();
          send(text);
        }}
      >
        <label class="sim-sr" for="sim-reply-text">
          Reply as the contact
        </label>
        <input id="sim-reply-text" value={text} disabled={busy} placeholder={sim.waiting ? "Reply as the contact…" : "The flow is not waiting"} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit" disabled={busy || !sim.waiting || !text.trim()}>
          Send
        </button>
      </form>
      {/* At a wait for an event, the form is out; otherwise folded: an event then only feeds later segment conditions. */}
      {sim.waiting && sim.session?.wait?.type === "event" && eventForm}
      {sim.waiting && sim.session?.wait?.type !== "event" && (
        <details class="sim-event-fold">
          <summary>Send an event</summary>
          {eventForm}
        </details>
      )}
      <div class="sim-clock" role="group" aria-label="Virtual clock">
        <span class="sim-now">
          Virtual time <time>{new Date(sim.now()).toLocaleString()}</time>
        </span>
        <button type="button" disabled={busy || timeout === undefined} onClick={() => act(() => sim.fireTimeout())}>
          {sim.journeyWait ? "End the wait" : "Fire the timeout"}
          {timeout !== undefined ? ` (due in ${duration(Math.max(0, timeout - sim.now()))})` : ""}
        </button>
        <button type="button" disabled={busy || expiry === undefined} onClick={() => act(() => sim.expire())}>
          Expire{expiry !== undefined ? ` (in ${duration(Math.max(0, expiry - sim.now()))})` : ""}
        </button>
        <span class="sim-skip">
          <label>
            Skip ahead
            <input type="number" min={1} max={8760} value={hours} onInput={(e) => setHours(Number(e.currentTarget.value))} />
            hours
          </label>
          <button type="button" disabled={busy || !(hours > 0)} onClick={() => act(() => sim.skip(hours))}>
            Skip
          </button>
        </span>
      </div>
    </div>
  );
}
