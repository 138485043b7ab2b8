import type { SetContactTimezone } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";

type A = typeof SetContactTimezone._zod.output;

export const setContactTimezone: ActionElement<A> = {
  type: "set_contact_timezone",
  name: "Update the contact's time zone",
  group: "Contact",
  fields: [{ key: "timezone", label: "Time zone (IANA, e.g. Africa/Kigali)", kind: "text", expression: true }],
  defaults: () => ({ timezone: "" }),
  summary: (a) => (a.timezone ? `set time zone to ${a.timezone}` : "clear the time zone"),
};
