// The D1 journal under a D1 that keeps failing: its entries back off and are retried for as long
// as it takes, never dropped; once D1 takes them, every row is there, in order.
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, contactObject, messagesOf, phone, postTwilio, twilioChannel, twilioOutbox, twilioSms } from "./support";

twilioOutbox();
afterEach(() => vi.useRealTimers());

describe("the D1 journal", () => {
  it("keeps an entry that D1 refuses many times, with backoff, and lands it once D1 takes it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    let now = Date.now();
    vi.setSystemTime(now);
    const channel = await twilioChannel();
    const from = phone();
    const contact = (await call("POST", "/contacts", { urns: [`tel:${from}`] })).body.uuid as string;

    // D1 refuses every message row (as an overloaded or unreachable D1 would).
    await env.DB.exec("ALTER TABLE messages RENAME TO messages_away");
    try {
      expect((await postTwilio(channel.uuid, twilioSms(channel, from, "anyone there?"))).status).toBe(200);
      const first = (await contactObject(contact).state()).alarm!;
      expect(first).toBeGreaterThan(now);
      // Twelve more tries, an hour apart: more than any give-up count, each one backing off.
      for (let i = 0; i < 12; i++) {
        now += 3600_000;
        vi.setSystemTime(now);
        await runDurableObjectAlarm(contactObject(contact));
        const alarm = (await contactObject(contact).state()).alarm;
        expect(alarm).toBeGreaterThan(now);
      }
    } finally {
      await env.DB.exec("ALTER TABLE messages_away RENAME TO messages");
    }
    now += 3600_000;
    vi.setSystemTime(now);
    await runDurableObjectAlarm(contactObject(contact));
    expect((await messagesOf(contact)).map((m) => [m.direction, m.text])).toEqual([["in", "anyone there?"]]);
    expect((await contactObject(contact).state()).alarm).toBeNull();
  });

  it("leaves out a statement D1 refuses for its data, so the writes after it are not held up forever", async () => {
    const channel = await twilioChannel();
    const from = phone();
    const contact = (await call("POST", "/contacts", { urns: [`tel:${from}`] })).body.uuid as string;
    // D1 refuses this one message row for good, as it would a membership of a group deleted meanwhile.
    await env.DB.exec("CREATE TRIGGER refuse_poison BEFORE INSERT ON messages WHEN NEW.text = 'poison' BEGIN SELECT RAISE(ABORT, 'constraint failed: poison'); END");
    try {
      await postTwilio(channel.uuid, twilioSms(channel, from, "poison"));
      await postTwilio(channel.uuid, twilioSms(channel, from, "fine"));
    } finally {
      await env.DB.exec("DROP TRIGGER refuse_poison");
    }
    expect((await messagesOf(contact)).map((m) => m.text)).toEqual(["fine"]);
    // The rest of the refused entry landed: the contact was seen.
    const row = await env.DB.prepare("SELECT last_seen_on FROM contacts WHERE uuid = ?").bind(contact).first<{ last_seen_on: string | null }>();
    expect(row?.last_seen_on).not.toBeNull();
    expect((await contactObject(contact).state()).alarm).toBeNull();
  });
});
