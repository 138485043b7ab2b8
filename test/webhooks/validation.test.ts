import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { contactByUrn, messagesOf, ORIGIN, phone, telegramText, twilioSms, vonageSms, whatsappText } from "../contact/support";
import { channels, postGeneric, postMailgun, postTelegram, postTwilio, postVonage, postWhatsApp, stored } from "./signed";

/** Posts a signed but malformed webhook: 400 naming the field, and not a row written anywhere. */
async function refused(post: () => Promise<Response>, field: string) {
  const before = await stored();
  const res = await post();
  const body = (await res.json()) as { error: string; message: string };
  expect(res.status, body.message).toBe(400);
  expect(body.error).toBe("invalid");
  expect(body.message.startsWith(`${field}:`), `"${body.message}" names ${field}`).toBe(true);
  expect(await stored()).toEqual(before);
}

const long = (n: number) => "x".repeat(n);
const MB = long(1024 * 1024);

describe("Twilio", () => {
  let ch: { uuid: string; address: string };
  beforeAll(async () => {
    ch = { uuid: await channels.twilio(), address: "+15005550006" };
  });
  const sms = (extra: Record<string, string>) => ({ ...twilioSms(ch, phone(), "hello"), ...extra });

  it("refuses NumMedia beyond Twilio's 10 before any loop (NumMedia=1000000000 kept workerd busy for minutes)", async () => {
    await refused(() => postTwilio(ch.uuid, sms({ NumMedia: "1000000000" })), "NumMedia");
    await refused(() => postTwilio(ch.uuid, sms({ NumMedia: "11" })), "NumMedia");
    await refused(() => postTwilio(ch.uuid, sms({ NumMedia: "-1" })), "NumMedia");
    await refused(() => postTwilio(ch.uuid, sms({ NumMedia: "two" })), "NumMedia");
  });

  it("refuses media that do not match NumMedia, or are not http(s)", async () => {
    await refused(() => postTwilio(ch.uuid, sms({ NumMedia: "2", MediaUrl0: "https://api.twilio.com/m/0", MediaContentType0: "image/jpeg" })), "MediaUrl1");
    await refused(() => postTwilio(ch.uuid, sms({ NumMedia: "1", MediaUrl0: "https://a.example/0", MediaUrl3: "https://a.example/3" })), "MediaUrl3");
    await refused(() => postTwilio(ch.uuid, sms({ NumMedia: "1", MediaUrl0: "javascript:alert(1)" })), "MediaUrl0");
    await refused(() => postTwilio(ch.uuid, sms({ NumMedia: "1", MediaUrl0: "https://a.example/0", MediaContentType0: "not a type" })), "MediaContentType0");
  });

  it("refuses senders that are not phone numbers, and texts and fields beyond Twilio's limits", async () => {
    await refused(() => postTwilio(ch.uuid, sms({ From: "abc" })), "From");
    await refused(() => postTwilio(ch.uuid, sms({ From: MB })), "From");
    await refused(() => postTwilio(ch.uuid, sms({ From: "whatsapp:" })), "From");
    await refused(() => postTwilio(ch.uuid, sms({ Body: long(1601) })), "Body");
    await refused(() => postTwilio(ch.uuid, sms({ Body: MB })), "Body");
    await refused(() => postTwilio(ch.uuid, sms({ Latitude: "north", Longitude: "30.06" })), "Latitude");
    await refused(() => postTwilio(ch.uuid, sms({ Latitude: "-1.94" })), "Longitude");
    await refused(() => postTwilio(ch.uuid, sms({ Latitude: "91", Longitude: "30.06" })), "Latitude");
    await refused(() => postTwilio(ch.uuid, sms({ Body: "nul \u0000 inside" })), "messages.0.text");
  });

  it("still takes a message at the limits: 1,600 characters, 10 media, a location", async () => {
    const from = phone();
    const media = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [[`MediaUrl${i}`, `https://api.twilio.com/m/${i}`], [`MediaContentType${i}`, "image/png"]]).flat());
    const res = await postTwilio(ch.uuid, { ...twilioSms(ch, from, long(1600)), NumMedia: "10", ...media, Latitude: "-1.9441", Longitude: "30.0619" });
    expect(res.status).toBe(200);
    const [msg] = await messagesOf((await contactByUrn(`tel:${from}`))!);
    expect(msg.text).toHaveLength(1600);
    const attachments = JSON.parse(msg.attachments) as string[];
    expect(attachments).toHaveLength(11);
    expect(attachments.at(-1)).toBe("geo:-1.9441,30.0619");
  });

  it("makes a profile name one line, as the API wants names", async () => {
    const from = phone();
    expect((await postTwilio(ch.uuid, { ...twilioSms(ch, from, "hi"), ProfileName: "Ana\n\u0007Lima\t" })).status).toBe(200);
    const contact = await contactByUrn(`tel:${from}`);
    expect((await env.DB.prepare("SELECT name FROM contacts WHERE uuid = ?").bind(contact).first<{ name: string }>())!.name).toBe("Ana Lima");
  });

  it("refuses a body larger than any provider sends with 413, before reading it", async () => {
    const before = await stored();
    const res = await exports.default.fetch(`${ORIGIN}/channels/${ch.uuid}/receive`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "x" }, body: long(5 * 1024 * 1024) });
    expect(res.status).toBe(413);
    expect(await stored()).toEqual(before);
  });
});

describe("WhatsApp Cloud", () => {
  let ch: string;
  beforeAll(async () => {
    ch = await channels.whatsapp();
  });
  const at = "entry.0.changes.0.value.messages.0";
  const withMessage = (patch: Record<string, unknown>) => {
    const p = whatsappText(`25078${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`, "hi");
    Object.assign(p.entry[0].changes[0].value.messages[0], patch);
    return p;
  };

  it("refuses bad senders, long texts, non-numeric timestamps and coordinates", async () => {
    await refused(() => postWhatsApp(ch, withMessage({ from: "abc" })), `${at}.from`);
    await refused(() => postWhatsApp(ch, withMessage({ from: "" })), `${at}.from`);
    await refused(() => postWhatsApp(ch, withMessage({ text: { body: long(4097) } })), `${at}.text.body`);
    await refused(() => postWhatsApp(ch, withMessage({ timestamp: "yesterday" })), `${at}.timestamp`);
    await refused(() => postWhatsApp(ch, withMessage({ type: "location", text: undefined, location: { latitude: "x", longitude: 1 } })), `${at}.location.latitude`);
    await refused(() => postWhatsApp(ch, withMessage({ type: "image", text: undefined, image: { id: "1", mime_type: "image/jpeg", caption: long(1025) } })), `${at}.image.caption`);
  });

  it("refuses more messages in one notification than one invocation stores", async () => {
    const p = whatsappText("250788123123", "hi");
    const m = p.entry[0].changes[0].value.messages[0];
    p.entry[0].changes[0].value.messages = Array.from({ length: 101 }, (_, i) => ({ ...m, id: `wamid.${i}` }));
    await refused(() => postWhatsApp(ch, p), "entry.0.changes.0.value.messages");
  });
});

describe("Telegram", () => {
  let ch: string;
  beforeAll(async () => {
    ch = await channels.telegram();
  });
  const chat = () => Math.floor(Math.random() * 1e9);

  it("refuses long texts and captions, non-numeric ids and dates", async () => {
    const t = telegramText(chat(), long(4097));
    await refused(() => postTelegram(ch, t), "message.text");
    await refused(() => postTelegram(ch, { ...t, message: { ...t.message, text: "hi", chat: { id: 1.5 } } }), "message.chat.id");
    await refused(() => postTelegram(ch, { ...t, message: { ...t.message, text: "hi", date: "today" } }), "message.date");
    await refused(() => postTelegram(ch, { ...t, message: { ...t.message, text: undefined, caption: long(1025), photo: [{ file_id: "AgAD" }] } }), "message.caption");
    await refused(() => postTelegram(ch, { ...t, message: { ...t.message, text: "hi", from: { id: 1, first_name: long(65) } } }), "message.from.first_name");
  });
});

describe("Vonage", () => {
  let ch: string;
  beforeAll(async () => {
    ch = await channels.vonage();
  });

  it("refuses senders that are not numbers, texts over the channel's limit, bad media URLs and timestamps", async () => {
    const sms = (patch: Record<string, unknown>) => ({ ...vonageSms("447700900000", "250788123456", "hi"), ...patch });
    await refused(() => postVonage(ch, sms({ from: "abc" })), "from");
    await refused(() => postVonage(ch, sms({ from: MB })), "from");
    await refused(() => postVonage(ch, sms({ text: long(1001) })), "text");
    await refused(() => postVonage(ch, sms({ timestamp: "yesterday" })), "timestamp");
    await refused(() => postVonage(ch, sms({ channel: "carrier-pigeon" })), "channel");
    await refused(() => postVonage(ch, sms({ channel: "whatsapp", message_type: "image", text: undefined, image: { url: "javascript:alert(1)" } })), "image.url");
    await refused(() => postVonage(ch, sms({ channel: "whatsapp", message_type: "location", text: undefined, location: { lat: 1, long: "east" } })), "location.long");
    // 4,096 characters is WhatsApp's limit, not SMS's.
    expect((await postVonage(ch, sms({ channel: "whatsapp", from: "250788123457", text: long(4096) }))).status).toBe(200);
  });
});

describe("Mailgun", () => {
  let ch: string;
  beforeAll(async () => {
    ch = await channels.email();
  });
  const mail = (patch: Record<string, string>) => ({ sender: `ana.${crypto.randomUUID().slice(0, 6)}@example.com`, from: "Ana <ana@example.com>", subject: "Re: hi", "stripped-text": "Yes", "Message-Id": `<${crypto.randomUUID()}@mail.example.com>`, ...patch });

  it("refuses a sender that is not an address and texts beyond Eddy's bound", async () => {
    await refused(() => postMailgun(ch, mail({ sender: "not an email" })), "sender");
    await refused(() => postMailgun(ch, mail({ sender: MB })), "sender");
    await refused(() => postMailgun(ch, mail({ "stripped-text": MB })), "stripped-text");
    await refused(() => postMailgun(ch, mail({ subject: long(999) })), "subject");
    const ok = await postMailgun(ch, mail({ sender: "Ana.Lima@Example.com" }));
    expect(ok.status).toBe(200);
    expect(await contactByUrn("mailto:ana.lima@example.com")).toBeDefined();
  });
});

describe("generic", () => {
  let ch: string;
  beforeAll(async () => {
    ch = await channels.generic();
  });

  it("refuses bad URNs, attachments that are not http(s) or numeric locations, and long texts", async () => {
    const msg = (patch: Record<string, unknown>) => ({ from: phone().replace("+", "tel:+"), text: "hi", id: crypto.randomUUID(), ...patch });
    await refused(() => postGeneric(ch, msg({ from: "tel:abc" })), "from");
    await refused(() => postGeneric(ch, msg({ from: "whatsapp:" })), "from");
    await refused(() => postGeneric(ch, msg({ from: "mailto:nobody" })), "from");
    await refused(() => postGeneric(ch, msg({ from: "carrier:pigeon" })), "from");
    await refused(() => postGeneric(ch, msg({ from: "ext:a\u0007b" })), "from");
    await refused(() => postGeneric(ch, msg({ attachments: ["image/png:javascript:alert(1)"] })), "attachments.0");
    await refused(() => postGeneric(ch, msg({ attachments: ["geo:north,east"] })), "attachments.0");
    await refused(() => postGeneric(ch, msg({ attachments: ["geo:95,10"] })), "attachments.0");
    await refused(() => postGeneric(ch, msg({ text: long(10_001) })), "text");
    await refused(() => postGeneric(ch, msg({ timestamp: "soon" })), "timestamp");
    expect((await postGeneric(ch, msg({ attachments: ["image/png:https://cdn.example/a.png", "geo:-1.94,30.06"] }))).status).toBe(200);
  });
});
