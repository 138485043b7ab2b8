import { normalizeUrn, urnString } from "../api/urns";
import { splitAttachment } from "../channels/shared/attachments";
import { isGeo } from "../channels/shared/fields";
import type { InboundMessage, StatusUpdate } from "../channels/types";

/**
 * What every provider's parsed webhook must hold before anything is stored, whatever the adapter
 * checked: the adapters bound their own fields to their provider's limits and name them; this is
 * the net under all of them, so a gap in one adapter still cannot store a bad URN, a URL flows
 * would follow, or megabytes of text.
 */

// The most any adapter allows: email's 65,536 characters of text; Twilio's 10 media and a location.
const MAX_TEXT = 65_536;
const MAX_ATTACHMENTS = 11;
const MAX_NAME = 256;
const MAX_ID = 1024;

// See worker/api/body.ts: NUL and unpaired surrogates are not storable text.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

function attachmentProblem(a: string): string | null {
  if (a.startsWith("geo:")) return isGeo(a) ? null : "is not geo:latitude,longitude in range";
  const { contentType, url } = splitAttachment(a);
  if (!contentType) return "has no content type";
  if (/^media:[\x21-\x7e]{1,512}$/.test(url)) return null;
  if (url.length <= 2048 && URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)) return null;
  return "is not an http(s) URL";
}

/** The first problem, naming the message and its part; the messages get their URNs normalised and their names made one line. */
export function checkParsed(messages: InboundMessage[], statuses: StatusUpdate[]): string | null {
  for (const [i, m] of messages.entries()) {
    const at = `messages.${i}`;
    const urn = normalizeUrn(m.urn, undefined, "possible");
    if (!urn.ok) return `${at}.urn: ${urn.message}`;
    m.urn = urnString(urn.urn);
    if (m.text.length > MAX_TEXT) return `${at}.text: is longer than ${MAX_TEXT} characters`;
    if (UNSTORABLE.test(m.text)) return `${at}.text: contains a NUL character or an unpaired UTF-16 surrogate`;
    if (m.attachments.length > MAX_ATTACHMENTS) return `${at}.attachments: more than ${MAX_ATTACHMENTS}`;
    for (const [j, a] of m.attachments.entries()) {
      const problem = attachmentProblem(a);
      if (problem) return `${at}.attachments.${j}: ${problem}`;
    }
    if (m.contactName !== undefined) {
      if (m.contactName.length > MAX_NAME || UNSTORABLE.test(m.contactName)) return `${at}.name: longer than ${MAX_NAME} characters, or not storable text`;
      // A profile name is display text: made one line as the API wants names, rather than losing the message.
      const name = m.contactName.replace(CONTROL, " ").trim();
      if (name) m.contactName = name;
      else delete m.contactName;
    }
    if (m.externalId !== undefined && (!m.externalId || m.externalId.length > MAX_ID)) return `${at}.id: empty or longer than ${MAX_ID} characters`;
    if (Number.isNaN(Date.parse(m.receivedOn))) return `${at}.timestamp: not a time`;
  }
  for (const [i, s] of statuses.entries()) {
    if (!s.externalId || s.externalId.length > MAX_ID) return `statuses.${i}.id: empty or longer than ${MAX_ID} characters`;
    if (s.at !== undefined && Number.isNaN(Date.parse(s.at))) return `statuses.${i}.timestamp: not a time`;
  }
  return null;
}
