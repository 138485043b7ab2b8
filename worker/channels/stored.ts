import { openConfig } from "./secrets";
import type { Channel } from "./types";

export const CHANNEL_COLUMNS = "uuid, type, name, address, config, base_url, sends_per_second";

/** A D1 channels row as the provider adapters take it: its secrets opened (worker/channels/secrets.ts). */
export async function channelFromRow(r: Record<string, any>): Promise<Channel> {
  return {
    uuid: r.uuid,
    type: r.type,
    name: r.name,
    address: r.address,
    config: await openConfig(r.uuid, JSON.parse(r.config)),
    ...(r.base_url ? { baseUrl: r.base_url } : {}),
    ...(r.sends_per_second ? { sendsPerSecond: r.sends_per_second } : {}),
  };
}

/**
 * Every channel of the workspace, by UUID. A channel whose secrets do not open (the key was
 * changed, the row was tampered with) is left out and logged: the others keep working.
 */
export async function channelsFromRows(rows: Record<string, any>[]): Promise<Map<string, Channel>> {
  const opened = await Promise.allSettled(rows.map(channelFromRow));
  const channels = new Map<string, Channel>();
  opened.forEach((r, i) => {
    if (r.status === "fulfilled") channels.set(r.value.uuid, r.value);
    else console.error("channel", rows[i].uuid, "left out:", r.reason instanceof Error ? r.reason.message : String(r.reason));
  });
  return channels;
}
