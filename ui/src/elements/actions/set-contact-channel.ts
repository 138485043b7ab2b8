import type { SetContactChannel } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";

type A = typeof SetContactChannel._zod.output;

export const setContactChannel: ActionElement<A> = {
  type: "set_contact_channel",
  name: "Update the contact's channel",
  group: "Contact",
  fields: [{ key: "channel", label: "Channel", kind: "ref", asset: "channels", nullable: true }],
  defaults: () => ({ channel: null }),
  summary: (a) => (a.channel ? `set channel to ${a.channel.name}` : "clear the preferred channel"),
};
