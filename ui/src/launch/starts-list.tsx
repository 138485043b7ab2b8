import { useEffect, useState } from "preact/hooks";
import { api } from "../api";
import type { StartOut } from "./start-page";

/** The flow's recent starts, each linking to its progress. */
export function StartsList({ flowUuid }: { flowUuid: string }) {
  const [starts, setStarts] = useState<StartOut[] | null>(null);
  useEffect(() => {
    api<{ results: StartOut[] }>(`starts?flow=${flowUuid}&limit=10`).then((r) => setStarts(r.results), () => setStarts([]));
  }, [flowUuid]);
  if (!starts?.length) return null;
  return (
    <section class="launch-section launch-recent" aria-labelledby="launch-recent-title">
      <h2 id="launch-recent-title">Recent starts</h2>
      <ul>
        {starts.map((s) => (
          <li key={s.uuid}>
            <a href={`/starts/${s.uuid}`}>{new Date(s.created_on).toLocaleString()}</a> <span class={`badge badge-${s.status}`}>{s.status}</span>{" "}
            <small>
              {s.progress.started} started of {s.progress.targeted}
              {s.schedule ? " (scheduled)" : ""}
            </small>
          </li>
        ))}
      </ul>
    </section>
  );
}
