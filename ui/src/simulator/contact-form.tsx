import type { TestContact } from "./simulation";

export type FieldDef = { key: string; name: string; type: string };
export type GroupDef = { uuid: string; name: string; query?: string | null };

/** Who the flow talks to: set before the simulation starts, kept per flow in this browser. */
export function ContactForm({ contact, fields, groups, onChange }: { contact: TestContact; fields: FieldDef[]; groups: GroupDef[]; onChange(c: TestContact): void }) {
  const set = (patch: Partial<TestContact>) => onChange({ ...contact, ...patch });
  const member = (uuid: string) => contact.groups.some((g) => g.uuid === uuid);
  return (
    <fieldset class="sim-contact">
      <legend>Test contact</legend>
      <label>
        Name
        <input value={contact.name} onInput={(e) => set({ name: e.currentTarget.value })} />
      </label>
      <label>
        URN
        <input value={contact.urn} placeholder="tel:+250788123123" onInput={(e) => set({ urn: e.currentTarget.value })} />
      </label>
      <label>
        Language (ISO 639-3)
        <input value={contact.language} maxLength={3} placeholder="eng" onInput={(e) => set({ language: e.currentTarget.value.toLowerCase() })} />
      </label>
      <label>
        Time zone
        <input value={contact.timezone} placeholder="Africa/Kigali" onInput={(e) => set({ timezone: e.currentTarget.value })} />
      </label>
      {fields.length > 0 && (
        <details>
          <summary>Fields ({Object.values(contact.fields).filter((v) => v.trim()).length} set)</summary>
          {fields.map((f) => (
            <label key={f.key}>
              {f.name} <small>({f.type})</small>
              <input value={contact.fields[f.key] ?? ""} onInput={(e) => set({ fields: { ...contact.fields, [f.key]: e.currentTarget.value } })} />
            </label>
          ))}
        </details>
      )}
      {groups.length > 0 && (
        <details>
          <summary>Groups ({contact.groups.length})</summary>
          {groups.map((g) => (
            <label key={g.uuid} class="sim-check">
              <input
                type="checkbox"
                checked={member(g.uuid)}
                onChange={() => set({ groups: member(g.uuid) ? contact.groups.filter((x) => x.uuid !== g.uuid) : [...contact.groups, { uuid: g.uuid, name: g.name }] })}
              />
              {g.name}
              {g.query ? <small> (smart)</small> : null}
            </label>
          ))}
        </details>
      )}
    </fieldset>
  );
}
