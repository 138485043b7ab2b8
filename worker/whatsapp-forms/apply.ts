import { FORM_STATUSES, type FormEvent, type FormStatus } from "./events";
import { appendHistory, type HistoryEntry } from "./history";

type Row = { uuid: string; waba_id: string; meta_id: string; status: FormStatus; history: string; health: string; status_at: number };

/**
 * Applies Meta's `flows` webhook events to the forms they name: one read for all of them, one
 * batch of writes. A status change moves the form to Meta's new status unless an event already
 * applied is newer (webhooks may arrive out of order); every event joins the form's history, and
 * an alert also becomes the latest of its kind in `health`. Events for forms Eddy does not know
 * (made elsewhere and not synced yet) are dropped: a sync brings those forms in with their status.
 */
export async function applyFormEvents(db: D1Database, events: FormEvent[] | undefined): Promise<void> {
  if (!events?.length) return;
  const ids = [...new Set(events.map((e) => e.flowId))];
  const { results } = await db
    .prepare(`SELECT uuid, waba_id, meta_id, status, history, health, status_at FROM whatsapp_forms WHERE meta_id IN (${ids.map(() => "?").join(",")})`)
    .bind(...ids)
    .all<Row>();
  const forms = new Map(results.map((r) => [r.meta_id, { ...r, history: JSON.parse(r.history) as Record<string, unknown>[], health: JSON.parse(r.health) as Record<string, unknown> }]));
  const touched = new Set<string>();
  for (const e of events) {
    const form = forms.get(e.flowId);
    // The account named by the notification must be the form's: a flow id is Meta's, but a channel's signed webhook only speaks for its own account.
    if (!form || (e.wabaId && e.wabaId !== form.waba_id)) continue;
    const at = e.at ? new Date(e.at * 1000).toISOString() : new Date().toISOString();
    const entry: HistoryEntry = { ...e.value, at, source: "webhook" };
    if (e.event === "FLOW_STATUS_CHANGE" && e.newStatus && (FORM_STATUSES as readonly string[]).includes(e.newStatus)) {
      if (e.at >= form.status_at) {
        form.status = e.newStatus as FormStatus;
        form.status_at = e.at;
      } else entry.late = true;
    } else if (e.event !== "FLOW_STATUS_CHANGE") {
      form.health = { ...form.health, [e.event]: { ...e.value, at } };
    }
    form.history = appendHistory(form.history, entry);
    touched.add(e.flowId);
  }
  if (!touched.size) return;
  const modified = new Date().toISOString();
  await db.batch(
    [...touched].map((id) => {
      const f = forms.get(id)!;
      return db
        .prepare(`UPDATE whatsapp_forms SET status = ?, status_at = ?, history = ?, health = ?, modified_on = ? WHERE uuid = ?`)
        .bind(f.status, f.status_at, JSON.stringify(f.history), JSON.stringify(f.health), modified, f.uuid);
    }),
  );
}
