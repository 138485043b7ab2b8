import type { ContactJSON } from "../contact";
import type { EventJSON, Ref } from "../events/base";
import type { TicketJSON } from "../events/ticket";
import type { TriggerJSON } from "../triggers";
import type { StoredValue } from "../variables/typed";

export type SessionStatus = "active" | "waiting" | "completed" | "interrupted" | "failed";
export type RunStatus = "active" | "waiting" | "completed" | "expired" | "interrupted" | "failed";

/** goflow's environment JSON; missing keys take the defaults of `defaultEnvironment`. */
export interface EnvironmentJSON {
  date_format?: string;
  time_format?: string;
  timezone?: string;
  default_country?: string;
  default_language?: string;
  allowed_languages?: string[];
  number_format?: { decimal_symbol: string; digit_grouping_symbol: string };
  redaction_policy?: "none" | "urns";
  input_collation?: string;
  [key: string]: unknown;
}

export interface StepJSON {
  uuid: string;
  node_uuid: string;
  arrived_on: string;
  exit_uuid?: string;
}

export interface ResultJSON {
  name: string;
  value: string;
  category?: string;
  category_localized?: string;
  node_uuid: string;
  input?: string;
  extra?: unknown;
  created_on: string;
}

/** What `@webhook` shows: the last call, its status code and parsed body. */
export interface WebhookJSON {
  /** The call, for `@webhook`'s text when the answer was no JSON (older sessions lack them). */
  method?: string;
  url?: string;
  status: number;
  json: unknown;
  headers?: Record<string, string>;
}

export interface RunJSON {
  uuid: string;
  flow: Ref;
  path: StepJSON[];
  events?: EventJSON[];
  results: Record<string, ResultJSON>;
  locals?: Record<string, string>;
  /** The flow's variables (`@vars`), typed as declared; only in runs of flows that declare some. */
  variables?: Record<string, StoredValue>;
  webhook?: WebhookJSON;
  ticket?: TicketJSON;
  status: RunStatus;
  created_on: string;
  modified_on: string;
  exited_on: string | null;
  expires_on?: string;
  parent_uuid?: string;
}

/** The message (or nothing) the session is reacting to: `@input`. */
export interface InputJSON {
  type: "msg";
  uuid: string;
  channel?: Ref | null;
  created_on: string;
  urn?: string;
  text: string;
  attachments?: string[];
  external_id?: string;
  /** A submitted WhatsApp form's fields: `@input.form`. */
  form?: Record<string, unknown>;
}

/** What the session is waiting for; the caller turns it into timers. */
export interface WaitJSON {
  type: "msg" | "pause" | "date" | "profile_change" | "event";
  timeout_seconds?: number;
  expires_on?: string;
  /** A pause's or a wait for a date's due time: the one timer the caller sets (docs/journeys.md). */
  resumes_on?: string;
  /** What a wait for a profile change saw when it began, to tell a change from a no-op. */
  watched?: string;
}

export interface SessionJSON {
  uuid: string;
  type: string;
  environment: EnvironmentJSON;
  trigger: TriggerJSON;
  contact: ContactJSON;
  runs: RunJSON[];
  status: SessionStatus;
  wait?: WaitJSON;
  input?: InputJSON;
}
