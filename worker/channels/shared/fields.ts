import { z } from "zod";
import { normalizeUrn } from "../../api/urns";

/**
 * Zod pieces for what providers post: every field is bounded before anything loops over it or
 * stores it, and a signed webhook that breaks a bound is answered 400 naming the field.
 */

/** A URL Eddy will hand to flows and fetch: http(s) only (never javascript:, data:, file:...). */
export const httpUrl = z
  .string()
  .max(2048, "is longer than 2,048 characters")
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), "must be an http(s) URL");

/** "image/jpeg", "audio/ogg; codecs=opus". */
export const mimeType = z.string().max(255).regex(/^[\w.+-]+\/[\w.+-]+(\s*;.*)?$/, "must be a MIME type like image/jpeg");

/** Provider-held media ids and message ids: short, printable, no spaces. */
export const providerId = (max = 256) => z.string().min(1).max(max).regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces");

export const latitude = z.number().min(-90).max(90);
export const longitude = z.number().min(-180).max(180);

/** A coordinate sent as form text ("-1.9441"): numeric and in range, kept as written. */
export const decimalText = (range: z.ZodNumber) =>
  z
    .string()
    .regex(/^-?\d{1,3}(\.\d{1,15})?$/, "must be a decimal number")
    .refine((s) => range.safeParse(Number(s)).success, "is out of range");

/** A goflow location attachment, "geo:lat,long": both numeric and in range. */
export function isGeo(attachment: string): boolean {
  const m = /^geo:([-+.\deE]{1,32}),([-+.\deE]{1,32})$/.exec(attachment);
  return !!m && latitude.safeParse(Number(m[1])).success && longitude.safeParse(Number(m[2])).success;
}

/** Unix seconds as Meta sends them ("1700000000"). */
export const unixSecondsText = z.string().regex(/^\d{1,12}$/, "must be Unix seconds");

/** A name the provider gives the sender (profile name, display name): becomes the contact's name. */
export const senderName = (max: number) => z.string().max(max, `is longer than ${max} characters`);

/**
 * The sender's URN, normalised as the API stores URNs (tel: a possible number in E.164 through libphonenumber,
 * whatsapp: digits, mailto: a lower-cased address, telegram: the numeric id), or the reason it is
 * not one, prefixed with the provider's field name.
 */
export function senderUrn(field: string, urn: string): { ok: true; urn: string } | { ok: false; error: string } {
  const n = normalizeUrn(urn, undefined, "possible");
  return n.ok ? { ok: true, urn: `${n.urn.scheme}:${n.urn.path}` } : { ok: false, error: `${field}: ${n.message}` };
}
