import type { Assets } from "./assets";
import * as entries from "./storage/entries";
import type { ContactEvent } from "./storage/events";
import type { Statement } from "./storage/journal";

/**
 * A flow's goal (docs/journeys.md, "Goal"): the contact reached it when it performs the flow's goal
 * event after entering the flow. Counted once per contact and flow version (the version of its
 * latest entry before the event), so repeating the event, or entering again, counts nothing more
 * for that version. Runs in the transaction that records the events: D1's row
 * (`goal_performers`) is written with the object's other D1 writes.
 */
export function goalStatements(sql: SqlStorage, contactUuid: string, assets: Assets, events: ContactEvent[]): Statement[] {
  const out: Statement[] = [];
  for (const flow of assets.flows.values()) {
    if (!flow.goal) continue;
    for (const e of events) {
      if (e.name !== flow.goal) continue;
      const version = entries.versionEnteredBy(sql, flow.uuid, Date.parse(e.time));
      if (version === null) continue;
      const fresh = sql.exec("INSERT OR IGNORE INTO goals_reached (flow_uuid, version) VALUES (?, ?) RETURNING 1", flow.uuid, version).toArray().length > 0;
      if (!fresh) continue;
      out.push({
        sql: "INSERT INTO goal_performers (flow_uuid, version, contact_uuid, performed_on) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        params: [flow.uuid, version, contactUuid, e.time],
      });
    }
  }
  return out;
}
