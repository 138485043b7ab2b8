// The contact object's entry points counted as invocations of their own (test/limits/count.ts),
// each named for its contact.
import { ContactSession } from "../../durable/contact/contact-session";
import { getMeta } from "../../durable/contact/storage/schema";
import { countEntryPoints } from "../limits/count";

export function countContactInvocations(): void {
  countEntryPoints(ContactSession, ["receive", "startFlow", "sendMessage", "recordEvents", "joinedGroups", "forget", "alarm"], (object, args) =>
    // The alarm has no contact argument: the object knows whose it is.
    typeof args[0] === "string" ? args[0] : getMeta((object as unknown as { ctx: DurableObjectState }).ctx.storage.sql, "contact_uuid"),
  );
}
