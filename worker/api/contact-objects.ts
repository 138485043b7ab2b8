/**
 * The contact's object keeps its own copy of the contact (durable/contact/storage/profile.ts), so
 * a message needs no D1 read: an API edit of named contacts tells their objects, which read D1
 * again next time. At most 500 contacts per request (one subrequest each).
 */
export async function profilesChanged(env: Env, contacts: Iterable<string>): Promise<void> {
  await Promise.all([...contacts].map((uuid) => env.CONTACTS.getByName(uuid).profileChanged()));
}
