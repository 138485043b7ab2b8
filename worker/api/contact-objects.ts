import type { ContactEdit } from "../../durable/contact/profile-edit";

export type { ContactEdit };

/**
 * The contact's object owns its contact (docs/contact-session.md, "Who owns the contact"): an API
 * edit of named contacts is made by their objects, each changing its copy and writing D1 through
 * before it answers, so the request reads its own writes. At most 500 contacts per request (one
 * subrequest each). Returns the contacts that no longer exist.
 */
export async function editContacts(env: Env, origin: string, edits: [contact: string, edit: ContactEdit][]): Promise<string[]> {
  const found = await Promise.all(edits.map(([uuid, edit]) => env.CONTACTS.getByName(uuid).editContact(uuid, origin, edit)));
  return edits.filter((_, i) => !found[i]).map(([uuid]) => uuid);
}
