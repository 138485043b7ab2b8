// Property-based: signed webhooks for every provider, valid by construction or with one field made
// hostile, or with fields of arbitrary content. Every answer is 2xx for a valid input and a 4xx
// JSON error otherwise; a 4xx stores nothing; no request takes more than a second.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { channels, postGeneric, postMailgun, postTelegram, postTwilio, postVonage, postWhatsApp, stored } from "../webhooks/signed";
import { expectAnswer, type Case, printable, RUNS } from "./support";

const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));
/** A Rwandan mobile number: possible (and valid) for libphonenumber. */
const rwPhone = digits(7).map((d) => `25078${d}`);
const coordinate = (max: number) => fc.double({ min: -max, max, noNaN: true }).map((x) => x.toFixed(5));
const mime = fc.constantFrom("image/jpeg", "image/png", "audio/ogg", "video/mp4", "application/pdf");
const url = fc.webUrl({ withQueryParameters: true }).filter((u) => u.length <= 2048);
const sid = (prefix: string) => fc.uuid().map((u) => prefix + u.replace(/-/g, ""));
const huge = fc.integer({ min: 1, max: 3 }).map((n) => "x".repeat(n * 400_000));
/** Whatever a field might hold: any text, very long text, numbers, nothing. */
const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 80 }), huge, fc.integer().map(String), fc.constant(""));

/** A valid input, or the same input with one field replaced by a hostile value. */
function cases<T>(valid: fc.Arbitrary<T>, hostile: fc.Arbitrary<(v: T) => T>, arbitrary: fc.Arbitrary<(v: T) => T>): fc.Arbitrary<Case<T>> {
  return fc.oneof(
    valid.map((input) => ({ expect: "2xx" as const, input })),
    fc.tuple(valid, hostile).map(([v, spoil]) => ({ expect: "4xx" as const, input: spoil(v) })),
    fc.tuple(valid, arbitrary).map(([v, change]) => ({ expect: "any" as const, input: change(v) })),
  );
}

const set = <T extends Record<string, unknown>>(key: string, values: fc.Arbitrary<unknown>) => values.map((value) => (v: T) => ({ ...v, [key]: value }) as T);

describe("webhook fuzz", () => {
  const ch: Record<string, string> = {};
  beforeAll(async () => {
    for (const [name, create] of Object.entries(channels)) ch[name] = await create();
  });

  it("Twilio", async () => {
    type In = Record<string, string>;
    const valid = fc
      .record({
        from: rwPhone,
        body: printable(1600),
        sid: sid("SM"),
        media: fc.array(fc.tuple(url, mime), { maxLength: 10 }),
        geo: fc.option(fc.tuple(coordinate(90), coordinate(180))),
        name: fc.option(printable(128)),
      })
      .map(({ from, body, sid, media, geo, name }) => {
        const p: In = { MessageSid: sid, SmsSid: sid, AccountSid: "AC0123456789abcdef0123456789abcdef", From: `+${from}`, To: "+15005550006", Body: body, NumMedia: String(media.length), SmsStatus: "received" };
        media.forEach(([u, t], i) => Object.assign(p, { [`MediaUrl${i}`]: u, [`MediaContentType${i}`]: t }));
        if (geo) Object.assign(p, { Latitude: geo[0], Longitude: geo[1] });
        if (name) p.ProfileName = name;
        return p;
      });
    const hostile = fc.oneof(
      set<In>("From", fc.oneof(fc.constantFrom("abc", "", "+", "whatsapp:", "tel:", "0788"), huge)),
      set<In>("Body", fc.oneof(fc.integer({ min: 1601, max: 5000 }).map((n) => "b".repeat(n)), huge, fc.constant("a\u0000b"))),
      set<In>("NumMedia", fc.oneof(fc.integer({ min: 11, max: 2 ** 31 }).map(String), fc.constantFrom("-1", "x", "1.5", "1e9"))),
      fc.constantFrom("javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://a.example/x").map((u) => (v: In) => ({ ...v, NumMedia: "1", MediaUrl0: u })),
      fc.constant((v: In) => ({ ...v, NumMedia: String(Number(v.NumMedia) + 1) })),
      fc.tuple(fc.constantFrom("north", "91", "-90.5", ""), coordinate(180)).map(([lat, long]) => (v: In) => ({ ...v, Latitude: lat, Longitude: long })),
    );
    const arbitrary = fc.tuple(fc.constantFrom("From", "Body", "NumMedia", "MediaUrl0", "Latitude", "ProfileName", "MessageSid"), anyText).map(([k, value]) => (v: In) => ({ ...v, [k]: value }));
    await fc.assert(fc.asyncProperty(cases(valid, hostile, arbitrary), (c) => expectAnswer(c, () => postTwilio(ch.twilio, c.input), stored)), { numRuns: RUNS });
  });

  it("WhatsApp Cloud", async () => {
    type Msg = Record<string, unknown>;
    const content = fc.oneof(
      printable(4096).map((body) => ({ type: "text", text: { body } })),
      fc.tuple(coordinate(90), coordinate(180)).map(([a, b]) => ({ type: "location", location: { latitude: Number(a), longitude: Number(b) } })),
      fc.tuple(digits(15), mime, printable(1024)).map(([id, mime_type, caption]) => ({ type: "image", image: { id, mime_type, caption } })),
    );
    const valid = fc.record({ from: rwPhone, id: sid("wamid."), timestamp: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }).map(String), content }).map(({ content, ...m }) => ({ ...m, ...content }) as Msg);
    const hostile = fc.oneof(
      set<Msg>("from", fc.oneof(fc.constantFrom("abc", "", "+", "1234", "1".repeat(16)), huge)),
      set<Msg>("timestamp", fc.constantFrom("yesterday", "-1", "1e9", "")),
      set<Msg>("text", fc.integer({ min: 4097, max: 6000 }).map((n) => ({ body: "t".repeat(n) }))),
      set<Msg>("location", fc.constantFrom({ latitude: "x", longitude: 1 }, { latitude: 91, longitude: 0 }, { latitude: 0, longitude: -181 })),
      set<Msg>("image", fc.constantFrom({ id: "a b" }, { id: "1", caption: "c".repeat(1025) }, { id: "1", mime_type: "not a type" })),
    );
    const arbitrary = fc.tuple(fc.constantFrom("from", "id", "timestamp", "type"), fc.oneof(anyText, fc.jsonValue())).map(([k, value]) => (v: Msg) => ({ ...v, [k]: value }));
    const notification = (m: Msg) => ({
      object: "whatsapp_business_account",
      entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { phone_number_id: "106540352242922" }, contacts: [{ wa_id: m.from, profile: { name: "Fuzz" } }], messages: [m] } }] }],
    });
    await fc.assert(fc.asyncProperty(cases(valid, hostile, arbitrary), (c) => expectAnswer(c, () => postWhatsApp(ch.whatsapp, notification(c.input)), stored)), { numRuns: RUNS });
  });

  it("Telegram", async () => {
    type Msg = Record<string, unknown>;
    const valid = fc
      .record({
        chat: fc.integer({ min: 1, max: 2 ** 40 }),
        message_id: fc.nat(),
        date: fc.integer({ min: 1_500_000_000, max: 2_000_000_000 }),
        text: printable(4096),
        from: fc.record({ first_name: printable(64), last_name: printable(64) }),
      })
      .map(({ chat, from, ...m }) => ({ ...m, chat: { id: chat }, from: { id: chat, ...from } }) as Msg);
    const hostile = fc.oneof(
      set<Msg>("text", fc.integer({ min: 4097, max: 6000 }).map((n) => "t".repeat(n))),
      set<Msg>("chat", fc.constantFrom({ id: 1.5 }, { id: "x" }, {}, { id: 2 ** 60 })),
      set<Msg>("date", fc.constantFrom(-1, "today", 1e15)),
      set<Msg>("from", fc.constantFrom({ id: 1, first_name: "f".repeat(65) }, { id: 1, username: "u".repeat(33) })),
      set<Msg>("photo", fc.constant(Array.from({ length: 21 }, (_, i) => ({ file_id: `f${i}` })))),
    );
    const arbitrary = fc.tuple(fc.constantFrom("text", "date", "chat", "caption", "message_id"), fc.oneof(anyText, fc.jsonValue())).map(([k, value]) => (v: Msg) => ({ ...v, [k]: value }));
    let update = 1;
    await fc.assert(fc.asyncProperty(cases(valid, hostile, arbitrary), (c) => expectAnswer(c, () => postTelegram(ch.telegram, { update_id: update++, message: c.input }), stored)), { numRuns: RUNS });
  });

  it("Vonage", async () => {
    type Msg = Record<string, unknown>;
    const valid = fc.oneof(
      fc.record({ from: rwPhone, text: printable(1000) }).map((m) => ({ ...m, channel: "sms", message_type: "text" })),
      fc.record({ from: rwPhone, text: printable(4096) }).map((m) => ({ ...m, channel: "whatsapp", message_type: "text" })),
      fc.record({ from: rwPhone, image: fc.record({ url }) }).map((m) => ({ ...m, channel: "whatsapp", message_type: "image" })),
    ).chain((m) => fc.uuid().map((message_uuid) => ({ ...m, message_uuid, to: "447700900000", timestamp: new Date().toISOString() }) as Msg));
    const hostile = fc.oneof(
      set<Msg>("from", fc.oneof(fc.constantFrom("abc", "", "+"), huge)),
      set<Msg>("timestamp", fc.constantFrom("yesterday", "1700000000", "")),
      set<Msg>("channel", fc.constantFrom("fax", "")),
      set<Msg>("image", fc.constantFrom({ url: "javascript:alert(1)" }, { url: "not a url" })),
      set<Msg>("location", fc.constantFrom({ lat: "x", long: 1 }, { lat: 100, long: 0 })),
      fc.integer({ min: 1001, max: 3000 }).map((n) => (v: Msg) => ({ ...v, channel: "sms", text: "t".repeat(n) })),
    );
    const arbitrary = fc.tuple(fc.constantFrom("from", "text", "timestamp", "message_uuid", "channel"), fc.oneof(anyText, fc.jsonValue())).map(([k, value]) => (v: Msg) => ({ ...v, [k]: value }));
    await fc.assert(fc.asyncProperty(cases(valid, hostile, arbitrary), (c) => expectAnswer(c, () => postVonage(ch.vonage, c.input), stored)), { numRuns: RUNS });
  });

  it("Mailgun", async () => {
    type In = Record<string, string>;
    const label = fc.stringMatching(/^[a-z0-9]{1,10}$/);
    const address = fc.tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,19}$/), label, fc.stringMatching(/^[a-z]{2,6}$/)).map(([l, d, t]) => `${l}@${d}.${t}`);
    const valid = fc.record({ sender: address, subject: printable(200), "stripped-text": printable(2000), "Message-Id": fc.uuid().map((u) => `<${u}@mail.example.com>`) }) as fc.Arbitrary<In>;
    const hostile = fc.oneof(
      set<In>("sender", fc.oneof(fc.constantFrom("not an email", "", "a@b", "@example.com"), huge)),
      set<In>("stripped-text", huge),
      set<In>("subject", fc.integer({ min: 999, max: 2000 }).map((n) => "s".repeat(n))),
    );
    const arbitrary = fc.tuple(fc.constantFrom("sender", "subject", "stripped-text", "Message-Id", "from"), anyText).map(([k, value]) => (v: In) => ({ ...v, [k]: value }));
    await fc.assert(fc.asyncProperty(cases(valid, hostile, arbitrary), (c) => expectAnswer(c, () => postMailgun(ch.email, c.input), stored)), { numRuns: RUNS });
  });

  it("generic", async () => {
    type Msg = Record<string, unknown>;
    const attachment = fc.oneof(fc.tuple(mime, url).map(([t, u]) => `${t}:${u}`), fc.tuple(coordinate(90), coordinate(180)).map(([a, b]) => `geo:${a},${b}`));
    const valid = fc.record({
      from: fc.oneof(rwPhone.map((p) => `tel:+${p}`), fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)),
      text: printable(10_000),
      id: fc.uuid(),
      attachments: fc.array(attachment, { maxLength: 10 }),
      name: printable(128),
      timestamp: fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
    }) as fc.Arbitrary<Msg>;
    const hostile = fc.oneof(
      set<Msg>("from", fc.oneof(fc.constantFrom("tel:abc", "whatsapp:", "carrier:pigeon", "mailto:nobody", "telegram:x"), huge)),
      set<Msg>("attachments", fc.constantFrom(["image/png:javascript:alert(1)"], ["geo:north,east"], ["geo:91,0"], ["no-type"], Array(11).fill("geo:1,1"))),
      set<Msg>("text", fc.oneof(fc.integer({ min: 10_001, max: 12_000 }).map((n) => "t".repeat(n)), fc.constant("a\u0000b"))),
      set<Msg>("timestamp", fc.constantFrom("soon", "2026-13-01T00:00:00Z", "")),
    );
    const arbitrary = fc.tuple(fc.constantFrom("from", "text", "id", "attachments", "name", "timestamp"), fc.oneof(anyText, fc.jsonValue())).map(([k, value]) => (v: Msg) => ({ ...v, [k]: value }));
    await fc.assert(fc.asyncProperty(cases(valid, hostile, arbitrary), (c) => expectAnswer(c, () => postGeneric(ch.generic, c.input), stored)), { numRuns: RUNS });
  });
});

// The property's own check, so a mistake in it cannot pass silently.
it("the fuzz support refuses a 500, an error that is not JSON and a 4xx that stored something", async () => {
  let rows = 0;
  const count = async () => ({ rows });
  await expect(expectAnswer({ expect: "any", input: 1 }, async () => new Response("boom", { status: 500 }), count)).rejects.toThrow();
  await expect(expectAnswer({ expect: "4xx", input: 1 }, async () => new Response("no", { status: 400 }), count)).rejects.toThrow();
  await expect(expectAnswer({ expect: "4xx", input: 1 }, async () => (rows++, Response.json({ error: "x", message: "y" }, { status: 400 })), count)).rejects.toThrow();
  await expect(expectAnswer({ expect: "2xx", input: 1 }, async () => Response.json({ error: "x", message: "y" }, { status: 400 }), count)).rejects.toThrow();
  await expectAnswer({ expect: "4xx", input: 1 }, async () => Response.json({ error: "x", message: "y" }, { status: 400 }), count);
});
