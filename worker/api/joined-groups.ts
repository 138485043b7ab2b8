/**
 * Joined-group triggers for contacts added to groups through the API (group members, contact
 * create and update): the contact's object starts the triggers' flows (docs/triggers.md). Costs one
 * D1 query when no trigger watches the groups.
 */

/** The groups among these that a joined-group trigger watches, with their names. */
export async function watchedGroups(db: D1Database, groupUuids: string[]): Promise<{ uuid: string; name: string }[]> {
  if (!groupUuids.length) return [];
  const rows = await db
    .prepare(
      `SELECT DISTINCT g.uuid AS uuid, g.name AS name FROM triggers t JOIN groups g ON g.uuid = t.group_uuid
       WHERE t.type = 'joined_group' AND t.group_uuid IN (SELECT value FROM json_each(?))`,
    )
    .bind(JSON.stringify(groupUuids))
    .all<{ uuid: string; name: string }>();
  return rows.results;
}

/** Tells each contact's object the watched groups it joined; its object starts the flows. */
export async function notifyJoined(env: Env, origin: string, joined: Map<string, { uuid: string; name: string }[]>): Promise<void> {
  await Promise.all([...joined].filter(([, groups]) => groups.length).map(([contact, groups]) => env.CONTACTS.getByName(contact).joinedGroups(contact, origin, groups)));
}

/**
 * A contact made by the API: when there are smart groups, its object computes which it is in
 * (durable/contact/smart-groups.ts), storing them and starting their joined-group triggers. One D1
 * query when there are none.
 */
export async function newContactSmartGroups(env: Env, origin: string, contact: string): Promise<void> {
  const smart = await env.DB.prepare("SELECT 1 FROM groups WHERE query IS NOT NULL LIMIT 1").first();
  if (smart) await env.CONTACTS.getByName(contact).smartGroupsChanged(contact, origin);
}
