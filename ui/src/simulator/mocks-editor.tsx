import type { Mock } from "./http";

/** Per-URL canned answers: status 0 means a connection error. */
export function MocksEditor({ mocks, onChange }: { mocks: Mock[]; onChange(mocks: Mock[]): void }) {
  const set = (i: number, patch: Partial<Mock>) => onChange(mocks.map((m, j) => (j === i ? { ...m, ...patch } : m)));
  return (
    <fieldset class="sim-mocks">
      <legend>Webhook mocks</legend>
      <p class="sim-hint">Calls to a URL listed here get this answer instead of reaching the internet; end a URL with * to match everything it begins. Other webhooks are called for real, through the server.</p>
      {mocks.map((m, i) => (
        <div class="sim-mock" key={i}>
          <label>
            URL
            <input type="url" value={m.url} placeholder="https://example.org/api/*" onInput={(e) => set(i, { url: e.currentTarget.value })} />
          </label>
          <label>
            Status
            <input type="number" min={0} max={599} value={m.status} onInput={(e) => set(i, { status: Number(e.currentTarget.value) })} />
          </label>
          <label class="sim-mock-body">
            Body
            <textarea rows={3} value={m.body} onInput={(e) => set(i, { body: e.currentTarget.value })} />
          </label>
          <button type="button" class="sim-link" onClick={() => onChange(mocks.filter((_, j) => j !== i))}>
            Remove mock
          </button>
        </div>
      ))}
      <button type="button" onClick={() => onChange([...mocks, { url: "", status: 200, body: '{"ok": true}' }])}>
        Add a mock
      </button>
    </fieldset>
  );
}
