import { useState } from "preact/hooks";
import type { FieldDef } from "./contact-form";
import type { ProfileEdit, Simulation } from "./simulation";

/** The test contact's profile as it is now in the session, as the form shows it. */
function current(sim: Simulation): ProfileEdit {
  const c = sim.currentContact();
  const fields = Object.fromEntries(Object.entries(c.fields ?? {}).flatMap(([k, v]) => (v ? [[k, v.text]] : [])));
  return { name: c.name ?? "", language: c.language ?? "", urn: c.urns?.[0]?.split("?")[0] ?? "", fields };
}

/**
 * Changes the test contact's profile while the flow waits, as an edit in the contacts API would: a
 * wait for a profile change takes its exit, and later steps read the new values.
 */
export function ProfileEditor({ sim, fields, busy, act }: { sim: Simulation; fields: FieldDef[]; busy: boolean; act(f: () => Promise<void>): void }) {
  // Only what was typed since the last save: the rest is the session's contact as it is now (the flow may change it too).
  const [typed, setTyped] = useState<Partial<ProfileEdit>>({});
  const [problem, setProblem] = useState("");
  const now = current(sim);
  const shown = { ...now, ...typed, fields: { ...now.fields, ...typed.fields } };
  const set = (patch: Partial<ProfileEdit>) => setTyped({ ...typed, ...patch });
  return (
    <details class="sim-profile">
      <summary>Change the contact's profile</summary>
      <form
        aria-label="Change the contact's profile"
        onSubmit={(e) => {
          e.preventDefault();
          if (!/^[a-z][a-z0-9-]*:.+$/.test(shown.urn)) return setProblem("URN: write it as scheme:path, like tel:+250788123123");
          setProblem("");
          setTyped({});
          act(() => sim.editProfile(shown, new Map(fields.map((f) => [f.key, f.type]))));
        }}
      >
        <label>
          Name
          <input value={shown.name} onInput={(e) => set({ name: e.currentTarget.value })} />
        </label>
        <label>
          Language (ISO 639-3)
          <input value={shown.language} maxLength={3} onInput={(e) => set({ language: e.currentTarget.value.toLowerCase() })} />
        </label>
        <label>
          URN
          <input value={shown.urn} onInput={(e) => set({ urn: e.currentTarget.value })} />
        </label>
        {fields.map((f) => (
          <label key={f.key}>
            {f.name} <small>({f.type})</small>
            <input value={shown.fields[f.key] ?? ""} onInput={(e) => set({ fields: { ...typed.fields, [f.key]: e.currentTarget.value } })} />
          </label>
        ))}
        {problem && (
          <p class="sim-problem" role="alert">
            {problem}
          </p>
        )}
        <button type="submit" disabled={busy || !sim.waiting}>
          Save the profile
        </button>
      </form>
    </details>
  );
}
