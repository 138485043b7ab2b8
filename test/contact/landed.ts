// D1 written behind (docs/contact-session.md, "Written behind"): a start's D1 rows land when the
// D1_WRITES queue's consumer has run, a moment after the start. Tests that read them wait here, as
// a user reading the API would see them appear.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { ContactSession } from "../../durable/contact/contact-session";

/** The contact object's D1 writes so far: the last sequence number used, and entries not yet handed on. */
async function written(contact: string): Promise<{ seq: number; pending: number }> {
  return runInDurableObject(env.CONTACTS.getByName(contact) as DurableObjectStub<ContactSession>, async (_, state) => {
    try {
      const sql = state.storage.sql;
      const seq = Number(sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'journal_seq'").toArray()[0]?.value ?? 0);
      const pending = sql.exec<{ n: number }>("SELECT count(*) AS n FROM journal").one().n;
      return { seq, pending };
    } catch {
      return { seq: 0, pending: 0 }; // an object that never stored anything
    }
  });
}

/** Waits until D1 holds everything the contact's object has written (its watermark caught up), up to `ms`. */
export async function landed(contact: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const { seq, pending } = await written(contact);
    const mark = (await env.DB.prepare("SELECT seq FROM d1_watermarks WHERE contact_uuid = ?").bind(contact).first<{ seq: number }>())?.seq ?? 0;
    if (!pending && mark >= seq) return;
    if (Date.now() > until) throw new Error(`contact ${contact}: D1 has its writes up to ${mark}, the object ${seq} (${pending} pending)`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
