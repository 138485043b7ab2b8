import { getProvider } from "./registry";
import { storedSecretKeys } from "./secrets";
import type { Channel } from "./types";

export type RedactedChannel = Omit<Channel, "config"> & {
  config: Record<string, unknown>;
  /** Which secrets are set, so the console can say "set" without ever seeing them. */
  secretsSet: string[];
};

/**
 * The channel as the API may return it. Only keys the provider's schema knows and that are not
 * secret come back (an allowlist, so a stray key holding a secret cannot leak); unknown types
 * keep no config at all.
 */
export function redactChannel(channel: Channel): RedactedChannel {
  const provider = getProvider(channel.type);
  if (!provider) return { ...channel, config: {}, secretsSet: [], ...(channel.baseUrl ? { baseUrl: withoutCredentials(channel.baseUrl) } : {}) };
  const config: Record<string, unknown> = {};
  // Stored configs hold their secrets sealed (worker/channels/secrets.ts): named, never opened here.
  const secretsSet = storedSecretKeys(channel.type, channel.config).filter((k) => provider.secretKeys.includes(k));
  for (const [key, value] of Object.entries(channel.config)) {
    if (!provider.secretKeys.includes(key) && Object.hasOwn(provider.configSchema.shape, key)) config[key] = value;
  }
  const redacted: RedactedChannel = { ...channel, config, secretsSet };
  if (channel.baseUrl) redacted.baseUrl = withoutCredentials(channel.baseUrl);
  return redacted;
}

/** A proxy base URL may carry user:password; it is not a config key, so it is cleaned here. */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "";
  }
}
