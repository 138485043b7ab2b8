import type { EventBody, Ref } from "./base";

/** What a started session needs to know about the run that started it (goflow's `RunSummary`). */
export interface RunSummary {
  uuid: string;
  flow: Ref;
  contact: unknown;
  status: string;
  results: Record<string, unknown>;
}

/** How deep a chain of sessions starting sessions is, so the caller can stop a runaway chain. */
export interface SessionHistory {
  parent_uuid: string;
  ancestors: number;
  ancestors_since_input: number;
}

export interface SessionTriggered {
  flow: Ref;
  urns?: string[];
  contacts?: { uuid: string; name?: string }[];
  groups?: Ref[];
  contact_query?: string;
  create_contact?: boolean;
  exclusions?: { in_a_flow?: boolean };
  run_summary: RunSummary;
  history: SessionHistory;
  /** Eddy's: values for the started flow's variables, for the caller to put in each new session's trigger as `variables`. */
  _variables?: Record<string, unknown>;
}

export const sessionTriggered = (f: SessionTriggered) => ({ type: "session_triggered", ...f }) as EventBody<"session_triggered">;
