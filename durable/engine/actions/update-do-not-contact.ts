import { z } from "zod";
import type { EventBody } from "../events/base";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/**
 * `update_do_not_contact` (a journey element, docs/do-not-contact.md): adds the contact's phone
 * numbers and/or email addresses to the workspace's do-not-contact list, or removes them. The
 * action only logs `contact_do_not_contact_changed`; the contact's object writes the list and
 * skips every later send to a listed address.
 *
 * ```json
 * { "uuid": "...", "type": "update_do_not_contact", "operation": "add", "kinds": ["phone", "email"] }
 * ```
 */
export const UpdateDoNotContact = z.looseObject({
  // Not schema.ts's `uuid`: that module imports this one.
  uuid: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a UUID"),
  type: z.literal("update_do_not_contact"),
  operation: z.enum(["add", "remove"]),
  kinds: z.array(z.enum(["phone", "email"])).min(1, "needs phone, email or both"),
});

export type AddressKind = "phone" | "email";

/**
 * The listed address a URN sends to, or null for schemes the list does not cover: a phone number
 * in E.164 for `tel:` and `whatsapp:` (one entry covers SMS and WhatsApp), an email lowercased for
 * `mailto:`. The same rule is written in SQL where D1 matches URNs (durable/contact/do-not-contact.ts).
 */
export function addressOf(urn: string): { kind: AddressKind; address: string } | null {
  const colon = urn.indexOf(":");
  if (colon <= 0) return null;
  const scheme = urn.slice(0, colon).toLowerCase();
  const path = urn.slice(colon + 1).split(/[?#]/)[0].trim();
  if (!path) return null;
  if (scheme === "tel" || scheme === "whatsapp") return { kind: "phone", address: `+${path.replace(/^\++/, "")}` };
  if (scheme === "mailto") return { kind: "email", address: path.toLowerCase() };
  return null;
}

export const doNotContactChanged = (operation: "add" | "remove", addresses: string[]) =>
  ({ type: "contact_do_not_contact_changed", operation, addresses }) as EventBody<"contact_do_not_contact_changed">;

export async function execute(a: ActionOf<"update_do_not_contact">, s: Scope): Promise<ActionOutcome> {
  const kinds = new Set(a.kinds);
  const addresses = new Set<string>();
  for (const urn of s.session.contact.urns ?? []) {
    const found = addressOf(urn);
    if (found && kinds.has(found.kind)) addresses.add(found.address);
  }
  // A contact with none of those kinds of address changes nothing.
  if (addresses.size) s.log(doNotContactChanged(a.operation, [...addresses]));
}
