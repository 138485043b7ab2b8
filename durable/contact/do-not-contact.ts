import { addressOf } from "../engine/actions/update-do-not-contact";
import type { ContactJSON, EventJSON } from "../engine";
import type { Ctx } from "./context";
import type { Statement } from "./storage/journal";
import { getMeta, setMeta } from "./storage/schema";

/**
 * The do-not-contact list as the contact's object applies it (docs/do-not-contact.md). The object
 * keeps, in its `meta` table, which of its own addresses are listed: read with the contact (one
 * more statement in the batch that reads it, never a query of its own), kept exact by the API
 * (which tells the owners of the addresses it adds or removes) and by the contact's own flows. A
 * send to an address the object does not know (a `send_email` to someone else, a URN added since
 * the read) asks D1, once for that send.
 */

type Known = { own: string[]; listed: string[] };

const KEY = "dnc";

/**
 * The contact's own addresses that are listed, as D1 has them: tel/whatsapp paths as E.164 and
 * mailto paths (stored lowercased), the rule of `addressOf`.
 */
export const listedOfContactSql = `SELECT d.address FROM do_not_contact d WHERE d.address IN (
  SELECT CASE WHEN scheme IN ('tel', 'whatsapp') THEN '+' || ltrim(path, '+') ELSE lower(path) END
  FROM contact_urns WHERE contact_uuid = ? AND scheme IN ('tel', 'whatsapp', 'mailto'))`;

function known(sql: SqlStorage): Known {
  const raw = getMeta(sql, KEY);
  return raw ? (JSON.parse(raw) as Known) : { own: [], listed: [] };
}

function ownAddresses(contact: ContactJSON): string[] {
  return [...new Set((contact.urns ?? []).map((u) => addressOf(u)?.address).filter((a): a is string => !!a))];
}

/** What D1 said with the contact just read. */
export function saveRead(sql: SqlStorage, contact: ContactJSON, listed: { address: string }[]): void {
  setMeta(sql, KEY, JSON.stringify({ own: ownAddresses(contact), listed: listed.map((r) => r.address) } satisfies Known));
}

/** Addresses of this contact added to (`listed`) or removed from the list: by the API, or by its own flow. */
export function apply(sql: SqlStorage, addresses: string[], listed: boolean): void {
  const k = known(sql);
  const own = new Set([...k.own, ...addresses]);
  const set = new Set(k.listed);
  for (const a of addresses) listed ? set.add(a) : set.delete(a);
  setMeta(sql, KEY, JSON.stringify({ own: [...own], listed: [...set] } satisfies Known));
}

/** Why a send to this URN is skipped, or null when it may go. */
export async function skipReason(ctx: Ctx, urn: string): Promise<string | null> {
  const found = addressOf(urn);
  if (!found) return null;
  const k = known(ctx.sql);
  const listed = k.own.includes(found.address)
    ? k.listed.includes(found.address)
    : !!(await ctx.db.prepare("SELECT 1 AS x FROM do_not_contact WHERE address = ?").bind(found.address).first());
  return listed ? `do not contact: ${found.address} is on the do-not-contact list` : null;
}

/** The D1 writes for a flow's `update_do_not_contact`, and the object's own record of them. */
export function fromEvent(e: EventJSON, nowIso: string): Statement[] {
  const addresses = e.addresses as string[];
  if (e.operation === "remove") return [{ sql: "DELETE FROM do_not_contact WHERE address IN (SELECT value FROM json_each(?))", params: [JSON.stringify(addresses)] }];
  return addresses.map((a) => ({
    sql: "INSERT INTO do_not_contact (address, kind, source, created_on) VALUES (?, ?, ?, ?) ON CONFLICT (address) DO NOTHING",
    params: [a, a.includes("@") ? "email" : "phone", "flow", nowIso],
  }));
}

/** The object's record, in the transaction that stores the sprint (sprints.ts). */
export function applyEvents(sql: SqlStorage, events: EventJSON[]): void {
  for (const e of events) if (e.type === "contact_do_not_contact_changed") apply(sql, e.addresses as string[], e.operation === "add");
}
