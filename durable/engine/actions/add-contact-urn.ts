import { parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";
import { parseURN } from "../contact";
import { contactURNsChanged } from "../events/contact";
import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/** goflow's URN normalization: phone numbers to E.164 in the default country, handles lowercased. */
export function normalizeURN(scheme: string, path: string, country: string | undefined): string {
  path = path.trim();
  if (scheme === "tel") {
    const phone = parsePhoneNumberFromString(path, country as CountryCode | undefined);
    // goflow keeps any possible number (not only one valid in the numbering plan) in E.164.
    if (phone?.isPossible()) return `tel:${phone.number}`;
    return `tel:${path.replace(/[^0-9+]/g, "")}`;
  }
  if (["twitter", "email", "mailto"].includes(scheme)) path = path.toLowerCase().replace(/^@/, "");
  return `${scheme}:${path}`;
}

export async function execute(a: ActionOf<"add_contact_urn">, s: Scope): Promise<ActionOutcome> {
  const path = s.text(a.path).trim();
  if (path === "") {
    s.log(error("URN path evaluated to empty string, skipping"));
    return;
  }
  const urn = normalizeURN(a.scheme, path, s.env.default_country);
  const urns = s.session.contact.urns ?? [];
  if (urns.some((u) => parseURN(u).identity === urn)) return;
  s.session.contact.urns = [...urns, urn];
  s.log(contactURNsChanged(s.session.contact.urns));
}
