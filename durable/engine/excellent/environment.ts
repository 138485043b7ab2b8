import { DEFAULT_NUMBER_FORMAT, type NumberFormat } from "./values/number";
import type { LocationHierarchy } from "./locations";

export type { NumberFormat } from "./values/number";

/**
 * The environment templates are evaluated in, with goflow's field names (a session's `environment`
 * JSON can be spread into it) plus the injected clock and, optionally, a location hierarchy.
 */
export interface Environment {
  /** goflow layout, e.g. `DD-MM-YYYY`, `MM-DD-YYYY`, `YYYY-MM-DD`. */
  date_format: string;
  /** goflow layout, e.g. `tt:mm`, `h:mm aa`. */
  time_format: string;
  /** IANA zone name. */
  timezone: string;
  /** ISO 3166-1 alpha-2, used to read local phone numbers. */
  default_country?: string;
  default_language?: string;
  allowed_languages?: string[];
  number_format: NumberFormat;
  redaction_policy?: "none" | "urns";
  /** Epoch nanoseconds. */
  now(): bigint;
  /** Random number in [0, 1) for `rand()`; defaults to Math.random. */
  random?(): number;
  /** For has_state, has_district, has_ward. */
  locations?: LocationHierarchy;
}

export function defaultEnvironment(now: () => bigint): Environment {
  return {
    date_format: "YYYY-MM-DD",
    time_format: "tt:mm",
    timezone: "UTC",
    allowed_languages: [],
    number_format: DEFAULT_NUMBER_FORMAT,
    redaction_policy: "none",
    now,
  };
}
