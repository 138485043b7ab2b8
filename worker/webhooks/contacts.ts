import { normalizeUrn } from "../api/urns";

/** "scheme:path" split, normalised like the API stores URNs (the provider's spelling otherwise). */
function splitUrn(urn: string): { scheme: string; path: string } {
  const n = normalizeUrn(urn);
  if (n.ok) return n.urn;
  const colon = urn.indexOf(":");
  return { scheme: urn.slice(0, colon), path: urn.slice(colon + 1) };
}

/**
 * The contact that owns a URN, created when the URN is new. The URN remembers the channel it was
 * last seen on, so replies go back the same way. Two webhooks racing to create the same contact
 * both end up with the one whose URN row won.
 */
export async function contactForUrn(db: D1Database, urn: string, channelUuid: string, name: string | undefined): Promise<string> {
  const { scheme, path } = splitUrn(urn);
  const found = await db.prepare("SELECT contact_uuid, channel_uuid FROM contact_urns WHERE scheme = ? AND path = ?").bind(scheme, path).first<{ contact_uuid: string; channel_uuid: string | null }>();
  if (found) {
    if (found.channel_uuid !== channelUuid) await db.prepare("UPDATE contact_urns SET channel_uuid = ? WHERE scheme = ? AND path = ?").bind(channelUuid, scheme, path).run();
    return found.contact_uuid;
  }
  const uuid = crypto.randomUUID();
  const now = new Date().toISOString();
  const [, , owner] = await db.batch([
    db.prepare("INSERT INTO contacts (uuid, name, status, fields, created_on, modified_on) VALUES (?, ?, 'active', '{}', ?, ?)").bind(uuid, name ?? null, now, now),
    db.prepare("INSERT INTO contact_urns (scheme, path, contact_uuid, priority, channel_uuid) VALUES (?, ?, ?, 0, ?) ON CONFLICT DO NOTHING").bind(scheme, path, uuid, channelUuid),
    db.prepare("SELECT contact_uuid FROM contact_urns WHERE scheme = ? AND path = ?").bind(scheme, path),
  ]);
  const winner = (owner.results[0] as { contact_uuid: string }).contact_uuid;
  if (winner !== uuid) await db.prepare("DELETE FROM contacts WHERE uuid = ?").bind(uuid).run();
  return winner;
}
