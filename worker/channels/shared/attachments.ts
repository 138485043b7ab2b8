/** A goflow attachment "image/jpeg:https://..." split at the first colon. */
export function splitAttachment(attachment: string): { contentType: string; url: string } {
  const i = attachment.indexOf(":");
  if (i < 0) return { contentType: "", url: attachment };
  const contentType = attachment.slice(0, i);
  // An attachment with no content type is just a URL, whose own scheme contains the first colon.
  if (!contentType.includes("/")) return { contentType: "", url: attachment };
  return { contentType, url: attachment.slice(i + 1) };
}

export type MediaKind = "image" | "audio" | "video" | "document";

export function mediaKind(contentType: string): MediaKind {
  if (contentType.startsWith("image/")) return "image";
  if (contentType.startsWith("audio/")) return "audio";
  if (contentType.startsWith("video/")) return "video";
  return "document";
}

/** For text-only channels: the attachments' URLs and the quick replies are written into the text. */
export function textWithExtras(text: string, attachments: string[], quickReplies: string[]): string {
  const parts = [text];
  if (quickReplies.length) parts.push(quickReplies.join("\n"));
  if (attachments.length) parts.push(attachments.map((a) => splitAttachment(a).url).join("\n"));
  return parts.filter((p) => p.length > 0).join("\n\n");
}

/** The path of a URN ("tel:+250..." gives "+250..."), without any query or fragment. */
export function urnPath(urn: string): string {
  const i = urn.indexOf(":");
  return urn.slice(i + 1).split(/[?#]/)[0];
}

export function urnScheme(urn: string): string {
  const i = urn.indexOf(":");
  return i < 0 ? "" : urn.slice(0, i);
}
