import type { ChannelAsset } from "../assets";
import { parseURN } from "../contact";
import type { Session } from "../session/session";

export interface Destination {
  urn: string;
  channel: ChannelAsset;
}

/**
 * Where a message to the contact goes (goflow's `ResolveDestinations`): each URN in preference
 * order, through the channel it is tied to, else the first channel that sends on its scheme.
 */
export function resolveDestinations(session: Session, all: boolean): Destination[] {
  const out: Destination[] = [];
  for (const urn of session.contact.urns ?? []) {
    const p = parseURN(urn);
    const tied = p.channel ? session.assets.channel(p.channel) : undefined;
    const channel = tied && tied.roles.includes("send") ? tied : session.assets.channelForScheme(p.scheme);
    if (!channel) continue;
    out.push({ urn: p.identity, channel });
    if (!all) break;
  }
  return out;
}

/** Why a message can't go out although it is created, goflow's `UnsendableReason`. */
export function unsendableReason(session: Session): "contact_blocked" | "contact_stopped" | "contact_archived" | undefined {
  const status = session.contact.status;
  if (status === "blocked") return "contact_blocked";
  if (status === "stopped") return "contact_stopped";
  if (status === "archived") return "contact_archived";
  return undefined;
}
