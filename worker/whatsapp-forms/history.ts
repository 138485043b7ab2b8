import type { FormStatus } from "./events";

/** A form's history keeps its last 100 status changes and alerts. */
export const HISTORY_LIMIT = 100;

export type HistoryEntry = Record<string, unknown> & { at: string; source: "api" | "webhook" | "sync" };

export function appendHistory(history: Record<string, unknown>[], ...entries: HistoryEntry[]): Record<string, unknown>[] {
  return [...history, ...entries].slice(-HISTORY_LIMIT);
}

/** A status change made by Eddy's own call or found by a sync. */
export function statusEntry(source: "api" | "sync", from: FormStatus | null, to: FormStatus): HistoryEntry {
  return { at: new Date().toISOString(), source, event: "FLOW_STATUS_CHANGE", ...(from ? { old_status: from } : {}), new_status: to };
}
