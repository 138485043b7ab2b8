import { parseURN, withChannel } from "../contact";
import { contactURNsChanged } from "../events/contact";
import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/**
 * goflow's `UpdatePreferredChannel`: the URNs the channel can send to are tied to it and move to
 * the front, in their order; a null channel unties every URN. goflow logs this as a URN change.
 */
export async function execute(a: ActionOf<"set_contact_channel">, s: Scope): Promise<ActionOutcome> {
  const contact = s.session.contact;
  const urns = contact.urns ?? [];
  let updated: string[];
  if (!a.channel) {
    updated = urns.map((u) => withChannel(u, null));
  } else {
    const channel = s.session.assets.channel(a.channel.uuid);
    if (!channel) {
      s.log(error(`no such channel: ${a.channel.name}`, "missing_dependency"));
      return;
    }
    const tied = urns.filter((u) => channel.schemes.includes(parseURN(u).scheme)).map((u) => withChannel(u, channel.uuid));
    updated = [...tied, ...urns.filter((u) => !channel.schemes.includes(parseURN(u).scheme))];
  }
  if (JSON.stringify(updated) === JSON.stringify(urns)) return;
  contact.urns = updated;
  s.log(contactURNsChanged(updated));
}
