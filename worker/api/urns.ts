import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js";

/**
 * Contact URNs ("tel:+250788123123", "whatsapp:250788123123", "mailto:ana@example.org"): one
 * canonical spelling per address, so that the unique (scheme, path) index catches duplicates.
 */

export const URN_SCHEMES = [
  "tel", "whatsapp", "telegram", "mailto", "ext", "facebook", "instagram", "viber", "line", "discord", "slack", "webchat", "twitter", "twitterid", "vk", "wechat",
] as const;

export type Urn = { scheme: string; path: string };

export const urnString = (u: Urn) => `${u.scheme}:${u.path}`;

// RFC 5321's bounds (a local part of 64, an address of 254), domain labels of letters, digits and
// hyphens (internationalised ones too), a top-level domain of letters.
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}$/u;

export type Normalized = { ok: true; urn: Urn } | { ok: false; message: string };

export function isCountry(code: string): boolean {
  return isSupportedCountry(code.toUpperCase());
}

/**
 * `country` (ISO 3166 alpha-2) is used for phone numbers written without their country code.
 * A number typed into the API must be valid in its country's numbering plan (catching typos); one
 * a provider delivered from need only be possible (the right length for its country code), since
 * the carrier knows it exists and libphonenumber's plans lag behind newly opened ranges.
 */
export function normalizeUrn(raw: string, country?: string, phone: "valid" | "possible" = "valid"): Normalized {
  const colon = raw.indexOf(":");
  if (colon <= 0) return { ok: false, message: `"${raw}" is not a URN: write it as scheme:path, e.g. tel:+250788123123` };
  const scheme = raw.slice(0, colon).trim().toLowerCase();
  // goflow URNs may carry ?channel=... and #display parts; the identity is scheme and path.
  const path = raw.slice(colon + 1).split(/[?#]/)[0].trim();
  if (!(URN_SCHEMES as readonly string[]).includes(scheme)) return { ok: false, message: `unknown URN scheme "${scheme}"; one of ${URN_SCHEMES.join(", ")}` };
  if (!path) return { ok: false, message: "the URN has no path" };

  switch (scheme) {
    case "tel":
      return normalizeTel(path, country, phone);
    case "whatsapp": {
      const digits = path.replace(/^\+/, "");
      return /^\d{5,15}$/.test(digits) ? { ok: true, urn: { scheme, path: digits } } : { ok: false, message: "a WhatsApp URN is the number's digits with its country code, e.g. whatsapp:250788123123" };
    }
    case "telegram":
      return /^-?\d{1,20}$/.test(path) ? { ok: true, urn: { scheme, path } } : { ok: false, message: "a Telegram URN is the numeric chat id, e.g. telegram:123456789" };
    case "mailto": {
      const email = path.toLowerCase();
      return email.length <= 254 && EMAIL.test(email) ? { ok: true, urn: { scheme, path: email } } : { ok: false, message: `"${path}" is not an email address` };
    }
    default:
      if (/[\u0000-\u001f\u007f]/.test(path)) return { ok: false, message: "the URN path contains control characters" };
      return path.length <= 255 ? { ok: true, urn: { scheme, path } } : { ok: false, message: "the URN path is longer than 255 characters" };
  }
}

function normalizeTel(path: string, country: string | undefined, phone: "valid" | "possible"): Normalized {
  const cleaned = path.replace(/[\s().-]/g, "");
  // Short codes ("tel:1234") are numbers too, without a country; none starts with 0 ("0788" is a
  // national number missing its country).
  if (/^[1-9]\d{2,5}$/.test(cleaned)) return { ok: true, urn: { scheme: "tel", path: cleaned } };
  const parsed = parsePhoneNumberFromString(cleaned, country ? (country.toUpperCase() as CountryCode) : undefined);
  if (parsed && (phone === "valid" ? parsed.isValid() : parsed.isPossible())) return { ok: true, urn: { scheme: "tel", path: parsed.number } };
  const hint = cleaned.startsWith("+") || country ? "" : " (start it with + and the country code, or give a default country)";
  return { ok: false, message: `"${path}" is not a valid phone number${hint}` };
}
