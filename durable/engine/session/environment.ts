import type { ChannelAsset } from "../assets";
import { parseURN, type ContactJSON } from "../contact";
import { defaultEnvironment, type Environment } from "../excellent";
import type { EngineServices } from "../services";
import type { EnvironmentJSON } from "./types";

/**
 * goflow's merged environment: the session's settings, with the contact's timezone and (when it is
 * allowed) language taking precedence, and the injected clock and random source.
 */
export function buildEnvironment(
  json: EnvironmentJSON,
  contact: ContactJSON | undefined,
  services: EngineServices,
  channel: (uuid: string) => ChannelAsset | undefined = () => undefined,
): Environment {
  const env = defaultEnvironment(() => services.now());
  const allowed = json.allowed_languages ?? [];
  // goflow: the contact's language only when the workspace allows it, else the first allowed one;
  // with none allowed, the flow's own language (an old environment's default_language if it has one).
  const contactLanguage = contact?.language && allowed.includes(contact.language) ? contact.language : undefined;
  return {
    ...env,
    ...(json.date_format ? { date_format: json.date_format } : {}),
    ...(json.time_format ? { time_format: json.time_format } : {}),
    timezone: contact?.timezone || json.timezone || env.timezone,
    ...(country(json, contact, channel) ? { default_country: country(json, contact, channel) } : {}),
    default_language: contactLanguage ?? allowed[0] ?? json.default_language,
    allowed_languages: allowed,
    ...(json.number_format ? { number_format: json.number_format } : {}),
    redaction_policy: json.redaction_policy ?? "none",
    random: () => services.random(),
  };
}

/**
 * goflow's default country: that of the channel the contact's preferred (first) URN is tied to,
 * else the environment's. It sets message locales (`eng-US`), reads local phone numbers and
 * normalises new URNs.
 */
function country(json: EnvironmentJSON, contact: ContactJSON | undefined, channel: (uuid: string) => ChannelAsset | undefined): string | undefined {
  const first = contact?.urns?.[0];
  const tied = first ? parseURN(first).channel : undefined;
  return (tied && channel(tied)?.country) || json.default_country || undefined;
}
