import { parseURN, type ContactJSON } from "../contact";
import type { ProfileChangeWait } from "../flow/schema";

/** What the wait watches, as written in its `profile_change_wait` event: `fields.due_date`, `name`, `urn:tel`. */
export function watching(wait: ProfileChangeWait): string {
  return wait.field ? `fields.${wait.field.key}` : wait.attribute!;
}

/** The watched value as text, to compare before and after (URNs: that scheme's, without their query). */
export function watchedValue(wait: ProfileChangeWait, contact: ContactJSON): string {
  if (wait.field) return contact.fields?.[wait.field.key]?.text ?? "";
  const attribute = wait.attribute!;
  if (attribute.startsWith("urn:")) {
    const scheme = attribute.slice(4);
    return (contact.urns ?? []).map(parseURN).filter((u) => u.scheme === scheme).map((u) => u.identity).join("\n");
  }
  const value = contact[attribute];
  return typeof value === "string" ? value : "";
}
