import { normalizeUrn } from "../api/urns";

/** "scheme:path" split, normalised like the API stores URNs (the provider's spelling otherwise). */
export function splitUrn(urn: string): { scheme: string; path: string } {
  const n = normalizeUrn(urn);
  if (n.ok) return n.urn;
  const colon = urn.indexOf(":");
  return { scheme: urn.slice(0, colon), path: urn.slice(colon + 1) };
}

/**
 * URN -> its contact, as this isolate last found it in D1 (and the channel the URN was seen on),
 * so a message from a URN seen lately costs no D1 query. A hint, not the truth: the contact's
 * object checks that the URN is still its contact's and, if not, passes the messages to the
 * owner it finds in D1 (durable/contact/contact-session.ts `receive`), correcting the entry.
 */
const owners = new Map<string, { contact: string; channel: string; at: number }>();
const OWNER_MAX_AGE_MS = 10 * 60_000;
const MAX_OWNERS = 50_000;

export function rememberOwner(urn: { scheme: string; path: string }, contact: string, channel: string): void {
  const key = `${urn.scheme}:${urn.path}`;
  owners.delete(key);
  if (owners.size >= MAX_OWNERS) owners.delete(owners.keys().next().value!);
  owners.set(key, { contact, channel, at: Date.now() });
}

/**
 * The contact that owns a URN: from this isolate's memory when it has it (`remembered`: the
 * contact's object is to check it), else from D1 as `contactForUrn` finds it.
 */
export async function ownerOfUrn(db: D1Database, urn: string, channelUuid: string, name: string | undefined): Promise<{ contact: string; remembered: boolean }> {
  const { scheme, path } = splitUrn(urn);
  const known = owners.get(`${scheme}:${path}`);
  if (known && known.channel === channelUuid && Date.now() - known.at < OWNER_MAX_AGE_MS) return { contact: known.contact, remembered: true };
  return { contact: await contactForUrn(db, urn, channelUuid, name), remembered: false };
}

/**
 * The contact that owns a URN in D1, created when the URN is new, and remembered. The URN
 * remembers the channel it was last seen on, so replies go back the same way. Two webhooks racing
 * to create the same contact both end up with the one whose URN row won.
 */
export async function contactForUrn(db: D1Database, urn: string, channelUuid: string, name: string | undefined): Promise<string> {
  const { scheme, path } = splitUrn(urn);
  const owner = await ownerInD1(db, scheme, path, channelUuid, name);
  rememberOwner({ scheme, path }, owner, channelUuid);
  return owner;
}

async function ownerInD1(db: D1Database, scheme: string, path: string, channelUuid: string, name: string | undefined): Promise<string> {
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
