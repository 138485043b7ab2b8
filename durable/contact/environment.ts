import type { EnvironmentJSON } from "../engine";

/** The workspace environment's settings, as the `environment` row holds them (languages parsed) and GET /api/v1/environment gives them. */
export interface WorkspaceEnvironment {
  date_format: string;
  time_format: string;
  timezone: string;
  default_country?: string | null;
  allowed_languages: string[];
  redaction_policy: string;
}

/**
 * The environment sessions start with, as goflow's environment JSON: the contact's object gives it
 * to every trigger, and the console's simulator the same, so a draft reads and writes dates there
 * as it will at run time.
 */
export function engineEnvironment(e: WorkspaceEnvironment): EnvironmentJSON {
  return {
    date_format: e.date_format,
    time_format: e.time_format,
    timezone: e.timezone,
    ...(e.default_country ? { default_country: e.default_country } : {}),
    allowed_languages: e.allowed_languages,
    redaction_policy: e.redaction_policy as "none" | "urns",
  };
}
