import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { toText } from "../values/convert";
import { XError, XFunction, err, obj, text, type XValue } from "../values/types";
import { define } from "./define";

/** URN schemes goflow knows. */
const SCHEMES = new Set([
  "discord",
  "email",
  "ext",
  "facebook",
  "fcm",
  "freshchat",
  "instagram",
  "jiochat",
  "line",
  "mailto",
  "rocketchat",
  "slack",
  "teams",
  "tel",
  "telegram",
  "twitter",
  "twitterid",
  "viber",
  "vk",
  "webchat",
  "wechat",
  "whatsapp",
]);

export interface URNParts {
  scheme: string;
  path: string;
  query: string;
  display: string;
}

const URN = /^([a-z][a-z0-9]*):([^?#]+)(?:\?([^#]*))?(?:#(.*))?$/;

/** Splits `scheme:path?query#display`; null for text that isn't a URN of a known scheme. */
export function parseURN(s: string): URNParts | null {
  const m = URN.exec(s);
  if (!m || !SCHEMES.has(m[1])) return null;
  return { scheme: m[1], path: m[2], query: m[3] ?? "", display: m[4] ?? "" };
}

/** How goflow shows a URN to people: its display, a phone number in national format, else its path. */
export function formatURN(u: URNParts): string {
  if (u.display !== "") return u.display;
  if (u.scheme === "tel") {
    const phone = parsePhoneNumberFromString(u.path);
    if (phone && phone.isPossible()) return phone.formatNational();
  }
  return u.path;
}

/** The first URN of an array (as `@contact.urns`), or the value itself. */
function firstOf(v: XValue): XValue {
  if (v !== null && v.kind === "array") return v.values.length ? v.values[0] : null;
  return v;
}

export const urnFunctions: XFunction[] = [
  define("urn_parts", 1, 1, (env, [v]) => {
    const s = toText(env, v);
    if (s instanceof XError) return s;
    const u = parseURN(s);
    if (!u) return err(`${s} is not a valid URN`);
    return obj({ scheme: text(u.scheme), path: text(u.path), display: text(u.display) });
  }),

  define("format_urn", 1, 1, (env, [v]) => {
    const first = firstOf(v);
    if (first === null) return text("");
    const s = toText(env, first);
    if (s instanceof XError) return s;
    const u = parseURN(s);
    if (!u) return err(`${s} is not a valid URN`);
    return text(formatURN(u));
  }),
];
