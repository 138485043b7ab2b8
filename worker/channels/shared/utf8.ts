/**
 * Webhook bodies read as strict UTF-8. `Request.text()`, `URLSearchParams` and `formData()` turn
 * bytes that are not UTF-8 into U+FFFD, which would then be stored as the contact's text or name:
 * a provider's webhook is UTF-8 by its own documents, so anything else is refused (400 naming the
 * field, or the body) before the adapter reads it.
 */

const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export type Utf8<T> = { ok: true; value: T } | { ok: false; field: string };

const notUtf8 = (field: string): Utf8<never> => ({ ok: false, field });

/** The problem as an adapter's 400 message names it. */
export const utf8Problem = (field: string) => `${field}: is not valid UTF-8`;

/** The body as bytes: what a provider signs, before it is read as text. */
export const bodyBytes = async (req: Request): Promise<Uint8Array<ArrayBuffer>> => new Uint8Array(await req.arrayBuffer());

/** The bytes as text, or "body" if they are not UTF-8. */
export function utf8Text(bytes: Uint8Array): Utf8<string> {
  try {
    return { ok: true, value: strict.decode(bytes) };
  } catch {
    return notUtf8("body");
  }
}

/**
 * A urlencoded form whose every name and value percent-decodes to UTF-8 (`Body=%FF` is refused,
 * naming Body). decodeURIComponent throws on exactly that once escapes that are not escapes (`%zz`,
 * which URLSearchParams keeps as they are) are made literal.
 */
export function utf8Form(raw: string): Utf8<URLSearchParams> {
  for (const pair of raw.split("&")) {
    const eq = pair.indexOf("=");
    const [name, value] = eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const decoded = decodes(name);
    if (decoded === null) return notUtf8("body");
    if (decodes(value) === null) return notUtf8(decoded);
  }
  return { ok: true, value: new URLSearchParams(raw) };
}

function decodes(part: string): string | null {
  try {
    return decodeURIComponent(part.replace(/\+/g, " ").replace(/%(?![0-9a-fA-F]{2})/g, "%25"));
  } catch {
    return null;
  }
}

const ascii = new TextDecoder("utf-8");
const CRLF_CRLF = [13, 10, 13, 10];

/** Where `needle` next starts in `bytes` at or after `from`, or -1. */
function find(bytes: Uint8Array, needle: number[], from: number): number {
  for (let at = bytes.indexOf(needle[0], from); at >= 0 && at + needle.length <= bytes.length; at = bytes.indexOf(needle[0], at + 1)) {
    let i = 1;
    while (i < needle.length && bytes[at + i] === needle[i]) i++;
    if (i === needle.length) return at;
  }
  return -1;
}

/**
 * A multipart/form-data body whose text fields are UTF-8 (file parts, an email's attachments, are
 * bytes and left alone), or the first field that is not. Walks the parts without copying them.
 */
export function utf8Multipart(bytes: Uint8Array, contentType: string): Utf8<null> {
  const boundary = /boundary="?([^";]+)"?/i.exec(contentType)?.[1];
  if (!boundary) return { ok: true, value: null }; // formData() refuses it as "not a form"
  const delimiter = [...new TextEncoder().encode(`--${boundary}`)];
  let at = find(bytes, delimiter, 0);
  while (at >= 0) {
    const headersStart = at + delimiter.length;
    const headersEnd = find(bytes, CRLF_CRLF, headersStart);
    if (headersEnd < 0) break;
    const next = find(bytes, delimiter, headersEnd);
    if (next < 0) break;
    const headers = ascii.decode(bytes.subarray(headersStart, headersEnd));
    const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? "";
    if (!/filename\*?=/i.test(disposition)) {
      // The part's content ends with the CRLF before the next delimiter.
      try {
        strict.decode(bytes.subarray(headersEnd + 4, Math.max(headersEnd + 4, next - 2)));
      } catch {
        return notUtf8(/name="([^"]*)"/i.exec(disposition)?.[1] ?? "body");
      }
    }
    at = next;
  }
  return { ok: true, value: null };
}
