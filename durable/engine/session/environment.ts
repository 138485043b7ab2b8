import type { ContactJSON } from "../contact";
import { defaultEnvironment, type Environment } from "../excellent";
import type { EngineServices } from "../services";
import type { EnvironmentJSON } from "./types";

/**
 * goflow's merged environment: the session's settings, with the contact's timezone and (when it is
 * allowed) language taking precedence, and the injected clock and random source.
 */
export function buildEnvironment(json: EnvironmentJSON, contact: ContactJSON | undefined, services: EngineServices): Environment {
  const env = defaultEnvironment(() => services.now());
  const allowed = json.allowed_languages ?? [];
  const contactLanguage = contact?.language && (allowed.length === 0 || allowed.includes(contact.language)) ? contact.language : undefined;
  return {
    ...env,
    ...(json.date_format ? { date_format: json.date_format } : {}),
    ...(json.time_format ? { time_format: json.time_format } : {}),
    timezone: contact?.timezone || json.timezone || env.timezone,
    ...(json.default_country ? { default_country: json.default_country } : {}),
    default_language: contactLanguage ?? json.default_language,
    allowed_languages: allowed,
    ...(json.number_format ? { number_format: json.number_format } : {}),
    redaction_policy: json.redaction_policy ?? "none",
    random: () => services.random(),
  };
}
