import { channelSchemes } from "../contact/assets";
import { channelBucket } from "../../worker/channels/rate";
import { getProvider } from "../../worker/channels/registry";
import type { ChannelType } from "../../worker/channels/types";

/** Send slots booked for one contact, by channel UUID, in the order its messages will take them. */
export type SendSlots = Record<string, number[]>;

/** How many messages a flow's entry node sends: every contact started sends at least these. */
export function sendsOnEntry(definition: { nodes?: { actions?: { type?: string }[] }[] } | null): number {
  return definition?.nodes?.[0]?.actions?.filter((a) => a.type === "send_msg").length ?? 0;
}

type ChannelRow = { uuid: string; type: string; config: string; sends_per_second: number | null };

/**
 * Books the send slots of a page of contacts in one ChannelRate call per channel (rather than
 * one call per contact's send): `perContact` slots (the entry node's messages) for each contact
 * whose first URN (`scheme channel_uuid?`) a channel sends to, picked as the contact's object
 * picks it (the URN's own channel, else the first channel sending on its scheme). A contact its
 * object then skips leaves its slots unused: one page's worth at most.
 */
export async function bookPage(env: Env, contacts: { uuid: string; dest: string | null }[], perContact: number): Promise<Map<string, SendSlots>> {
  const booked = new Map<string, SendSlots>();
  if (!perContact || !contacts.length) return booked;
  const channels = (await env.DB.prepare("SELECT uuid, type, config, sends_per_second FROM channels").all<ChannelRow>()).results;
  const byUuid = new Map(channels.map((c) => [c.uuid, c]));
  const bySchemes = channels.map((c) => ({ c, schemes: channelSchemes({ type: c.type as ChannelType, config: JSON.parse(c.config) }) }));
  const wanted = new Map<string, string[]>();
  for (const { uuid, dest } of contacts) {
    if (!dest) continue;
    const [scheme, tied] = dest.split(" ");
    const channel = (tied ? byUuid.get(tied) : undefined) ?? bySchemes.find((x) => x.schemes.includes(scheme))?.c;
    if (!channel || !getProvider(channel.type)) continue;
    wanted.set(channel.uuid, [...(wanted.get(channel.uuid) ?? []), uuid]);
  }
  await Promise.all(
    [...wanted].map(async ([channelUuid, who]) => {
      const channel = byUuid.get(channelUuid)!;
      const cfg = channelBucket(channel.sends_per_second ?? undefined, getProvider(channel.type)!.defaultSendsPerSecond);
      const slots = await env.CHANNEL_RATE.getByName(channelUuid).reserve(cfg, who.length * perContact, "bulk");
      who.forEach((contact, i) => booked.set(contact, { [channelUuid]: slots.slice(i * perContact, (i + 1) * perContact) }));
    }),
  );
  return booked;
}
