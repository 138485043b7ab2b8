import { useEffect, useState } from "preact/hooks";
import { api, ApiFailure } from "../api";

export type Audience = { contacts?: string[]; urns?: string[]; country?: string; groups?: string[]; query?: string; everyone?: true };
export type AudienceDraft = { everyone: boolean; groups: string[]; contacts: { uuid: string; label: string }[]; urns: string; country: string; query: string };
export type Issue = { path: string; message: string };

export const EMPTY_AUDIENCE: AudienceDraft = { everyone: false, groups: [], contacts: [], urns: "", country: "", query: "" };

type Group = { uuid: string; name: string; query: string | null; count: number };
type ContactHit = { uuid: string; name: string | null; urns: string[] };
type Count = { count: number; inactive: number; new_urns: number };

/** What the API takes, from what the form holds; null when nobody is chosen yet. */
export function audienceOf(d: AudienceDraft): Audience | null {
  if (d.everyone) return { everyone: true };
  const urns = d.urns.split(/[\n,]+/).map((u) => u.trim()).filter(Boolean);
  const a: Audience = {
    ...(d.contacts.length ? { contacts: d.contacts.map((c) => c.uuid) } : {}),
    ...(urns.length ? { urns } : {}),
    ...(urns.length && d.country.trim() ? { country: d.country.trim().toUpperCase() } : {}),
    ...(d.groups.length ? { groups: d.groups } : {}),
    ...(d.query.trim() ? { query: d.query.trim() } : {}),
  };
  return Object.keys(a).length ? a : null;
}

/** The issues under `prefix` (an API path like "audience.query"), as text. */
export function issuesAt(issues: Issue[], prefix: string): string {
  return issues.filter((i) => i.path === prefix || i.path.startsWith(`${prefix}.`)).map((i) => i.message).join("; ");
}

/** Who a start is for: everyone, or any mix of groups, contacts, URNs and a segment query, with a live count. */
export function AudiencePicker({ value, onChange, issues }: { value: AudienceDraft; onChange(d: AudienceDraft): void; issues: Issue[] }) {
  const [groups, setGroups] = useState<Group[]>([]);
  const [search, setSearch] = useState("");
  const [hits, setHits] = useState<ContactHit[]>([]);
  const [count, setCount] = useState<{ value?: Count; error?: string; loading?: boolean }>({});
  const set = (patch: Partial<AudienceDraft>) => onChange({ ...value, ...patch });

  useEffect(() => {
    api<{ results: Group[] }>("groups").then((r) => setGroups(r.results), () => {});
  }, []);

  useEffect(() => {
    if (search.trim().length < 2) return setHits([]);
    const ctl = new AbortController();
    const t = setTimeout(() => {
      api<{ results: ContactHit[] }>(`contacts?name=${encodeURIComponent(search.trim())}&name_match=contains&limit=10`, { signal: ctl.signal }).then(
        (r) => setHits(r.results),
        () => {},
      );
    }, 250);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [search]);

  // The live count follows every change, a moment after typing stops.
  const audience = audienceOf(value);
  const key = JSON.stringify(audience);
  useEffect(() => {
    if (!audience) return setCount({});
    const ctl = new AbortController();
    setCount((c) => ({ ...c, loading: true }));
    const t = setTimeout(() => {
      api<Count>("audiences/count", { method: "POST", body: { audience }, signal: ctl.signal }).then(
        (r) => setCount({ value: r }),
        (e) => {
          if (ctl.signal.aborted) return;
          const issue = e instanceof ApiFailure ? ((e.body as { issues?: Issue[] })?.issues ?? [])[0] : undefined;
          setCount({ error: issue ? issue.message : (e as Error).message });
        },
      );
    }, 400);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [key]);

  const toggleGroup = (uuid: string) => set({ groups: value.groups.includes(uuid) ? value.groups.filter((g) => g !== uuid) : [...value.groups, uuid] });
  const queryIssue = issuesAt(issues, "audience.query");

  return (
    <fieldset class="launch-section">
      <legend>Who</legend>
      <label class="launch-check">
        <input type="checkbox" checked={value.everyone} onChange={(e) => set({ everyone: e.currentTarget.checked })} />
        Everyone (every contact)
      </label>
      {!value.everyone && (
        <>
          <div class="launch-field">
            <span id="launch-groups-label">Groups</span>
            {groups.length === 0 ? (
              <p class="launch-hint">No groups yet.</p>
            ) : (
              <ul class="launch-groups" aria-labelledby="launch-groups-label">
                {groups.map((g) => (
                  <li key={g.uuid}>
                    <label class="launch-check">
                      <input type="checkbox" checked={value.groups.includes(g.uuid)} onChange={() => toggleGroup(g.uuid)} />
                      {g.name} <small>{g.query ? "smart group" : `${g.count} contact${g.count === 1 ? "" : "s"}`}</small>
                    </label>
                  </li>
                ))}
              </ul>
            )}
            {issuesAt(issues, "audience.groups") && <p class="launch-error">{issuesAt(issues, "audience.groups")}</p>}
          </div>
          <div class="launch-field">
            <label for="launch-contact-search">Contacts</label>
            <input id="launch-contact-search" type="search" value={search} placeholder="Search by name" onInput={(e) => setSearch(e.currentTarget.value)} />
            {hits.length > 0 && (
              <ul class="launch-hits" aria-label="Matching contacts">
                {hits.map((h) => (
                  <li key={h.uuid}>
                    <button
                      type="button"
                      disabled={value.contacts.some((c) => c.uuid === h.uuid)}
                      onClick={() => set({ contacts: [...value.contacts, { uuid: h.uuid, label: h.name || h.urns[0] || h.uuid }] })}
                    >
                      Add {h.name || "(no name)"} <small>{h.urns[0]}</small>
                    </button>
                  </li>
                ))}
              </ul>
            )}
            {value.contacts.length > 0 && (
              <ul class="launch-chips" aria-label="Chosen contacts">
                {value.contacts.map((c) => (
                  <li key={c.uuid}>
                    {c.label}{" "}
                    <button type="button" aria-label={`Remove ${c.label}`} onClick={() => set({ contacts: value.contacts.filter((x) => x.uuid !== c.uuid) })}>
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
          <div class="launch-field">
            <label for="launch-urns">Phone numbers or other URNs (one a line; new ones become contacts)</label>
            <textarea id="launch-urns" rows={2} value={value.urns} placeholder={"tel:+250788123123\nwhatsapp:250788123124"} onInput={(e) => set({ urns: e.currentTarget.value })} />
            <label for="launch-country" class="launch-inline">
              Country for numbers without one
              <input id="launch-country" size={3} maxLength={2} value={value.country} placeholder="RW" onInput={(e) => set({ country: e.currentTarget.value })} />
            </label>
            {issuesAt(issues, "audience.urns") && <p class="launch-error">{issuesAt(issues, "audience.urns")}</p>}
          </div>
          <div class="launch-field">
            <label for="launch-query">Segment query</label>
            <textarea
              id="launch-query"
              rows={2}
              value={value.query}
              placeholder={'age >= 18 AND district = "Gasabo"'}
              aria-invalid={!!(queryIssue || count.error)}
              aria-describedby="launch-count"
              onInput={(e) => set({ query: e.currentTarget.value })}
            />
            {queryIssue && <p class="launch-error">{queryIssue}</p>}
          </div>
        </>
      )}
      <p id="launch-count" class={count.error ? "launch-count launch-error" : "launch-count"} role="status" aria-live="polite">
        {!audience
          ? "Choose who to start."
          : count.error
            ? count.error
            : count.value
              ? `${count.value.count.toLocaleString()} contact${count.value.count === 1 ? "" : "s"} match${count.value.count === 1 ? "es" : ""}${count.value.inactive ? ` (${count.value.inactive.toLocaleString()} stopped, blocked or archived: skipped)` : ""}${count.value.new_urns ? `, and ${count.value.new_urns} new contact${count.value.new_urns === 1 ? "" : "s"} from URNs` : ""}${count.loading ? " …" : ""}`
              : "Counting…"}
      </p>
    </fieldset>
  );
}
