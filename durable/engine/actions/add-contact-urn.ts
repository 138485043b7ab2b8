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
    return `tel:${path.replace(/[^0-9a-z+]/gi, "")}`;
  }
  if (["twitter", "email", "mailto"].includes(scheme)) path = path.toLowerCase().replace(/^@/, "");
  return `${scheme}:${path}`;
}

/** What a normalized URN's path must look like, per scheme (gocommon's `urns.Validate`). */
const VALID_PATH: Record<string, RegExp> = {
  tel: /^\+?[0-9a-z]{1,64}$/i,
  whatsapp: /^[0-9]{1,64}$/,
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  mailto: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  twitter: /^[a-z0-9_]{1,15}$/,
  twitterid: /^[0-9]{1,20}$/,
  telegram: /^-?[0-9]{1,20}$/,
  facebook: /^([0-9]{1,20}|ref:.+)$/,
  instagram: /^[0-9]{1,20}$/,
  viber: /^[a-z0-9+/=]{1,24}$/i,
};

export function isValidURN(urn: string): boolean {
  const { scheme, path } = parseURN(urn);
  if (!/^[a-z][a-z0-9]*$/.test(scheme) || path === "" || /\s/.test(path)) return false;
  return VALID_PATH[scheme]?.test(path) ?? true;
}

export async function execute(a: ActionOf<"add_contact_urn">, s: Scope): Promise<ActionOutcome> {
  const path = s.text(a.path).trim();
  if (path === "") {
    s.log(error("URN path evaluated to empty string, skipping", "invalid_value"));
    return;
  }
  const country = s.env.default_country;
  const urn = normalizeURN(a.scheme, path, country);
  if (!isValidURN(urn)) {
    s.log(error(`'${a.scheme}:${path}' is not a valid URN, skipping`, "invalid_value"));
    return;
  }
  // The contact's own URNs are compared normalized too: "tel:0788 123 123" is "tel:+250788123123".
  const urns = s.session.contact.urns ?? [];
  if (urns.some((u) => {
    const p = parseURN(u);
    return normalizeURN(p.scheme, p.path, country) === urn;
  })) return;
  s.session.contact.urns = [...urns, urn];
  s.log(contactURNsChanged(s.session.contact.urns));
}
