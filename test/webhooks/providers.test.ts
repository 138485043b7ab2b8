import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  basic,
  contactByUrn,
  createChannel,
  EXAMPLE,
  exampleAssets,
  HOOK,
  keywordTrigger,
  messagesOf,
  ORIGIN,
  postTelegram,
  postVonage,
  postWhatsApp,
  publishFlow,
  runsOf,
  telegramText,
  TG,
  VONAGE,
  vonageSms,
  WA,
  whatsappText,
} from "../contact/support";
import { exports } from "cloudflare:workers";

type Captured = { url: string; headers: Headers; body: any };
let captured: Captured[] = [];

const server = setupServer();
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  await exampleAssets();
});
afterEach(() => {
  server.resetHandlers();
  captured = [];
});
afterAll(() => server.close());

function capture(url: string, answer: () => Response) {
  return http.post(url, async ({ request }) => {
    captured.push({ url: request.url, headers: request.headers, body: await request.json() });
    return answer();
  });
}

const hook = () => http.post(HOOK, () => HttpResponse.json({ code: "AB12" }));

async function exampleWithKeyword(channel: string) {
  const flow = await publishFlow(EXAMPLE);
  await keywordTrigger(flow.uuid, channel, "age");
  return flow;
}

async function finishedRun(urn: string) {
  const contact = (await contactByUrn(urn))!;
  const [run] = await runsOf(contact);
  return { contact, run };
}

describe("WhatsApp Cloud", () => {
  const config = { phone_number_id: WA.phoneId, access_token: WA.token, app_secret: WA.appSecret, verify_token: WA.verifyToken, api_version: "v21.0" };
  const api = `https://graph.facebook.com/v21.0/${WA.phoneId}/messages`;

  it("answers Meta's verification handshake", async () => {
    const channel = await createChannel("whatsapp_cloud", "+15550783881", config);
    const ok = await exports.default.fetch(`${ORIGIN}/channels/${channel}/receive?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=${WA.verifyToken}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    expect((await exports.default.fetch(`${ORIGIN}/channels/${channel}/receive?hub.mode=subscribe&hub.challenge=1&hub.verify_token=guess`)).status).toBe(403);
  });

  it("drives the example flow to the end, replying through the Graph API", async () => {
    server.use(capture(api, () => HttpResponse.json({ messaging_product: "whatsapp", messages: [{ id: `wamid.${crypto.randomUUID()}` }] })), hook());
    const channel = await createChannel("whatsapp_cloud", "+15550783881", config);
    const flow = await exampleWithKeyword(channel);
    const waId = `1631555${String(Math.floor(Math.random() * 1e4)).padStart(4, "0")}`;

    expect((await postWhatsApp(channel, whatsappText(waId, "age"))).status).toBe(200);
    expect((await postWhatsApp(channel, whatsappText(waId, "25"))).status).toBe(200);

    expect(captured).toHaveLength(3);
    for (const c of captured) {
      expect(c.headers.get("authorization")).toBe(`Bearer ${WA.token}`);
      expect(c.body).toMatchObject({ messaging_product: "whatsapp", recipient_type: "individual", to: waId });
    }
    // The question's quick replies become reply buttons; the contact's WhatsApp profile name is the contact's name.
    expect(captured[0].body).toMatchObject({ type: "interactive", interactive: { type: "button", body: { text: "Hi Kerry, how old are you?" } } });
    expect(captured[0].body.interactive.action.buttons.map((b: any) => b.reply.title)).toEqual(["18", "30"]);
    expect(captured[2].body).toMatchObject({ type: "text", text: { body: "Thanks! Your code is AB12" } });

    const { run } = await finishedRun(`whatsapp:${waId}`);
    expect(run).toMatchObject({ flow_uuid: flow.uuid, status: "completed" });
  });

  it("rejects a wrong signature with 403 and stores nothing", async () => {
    const channel = await createChannel("whatsapp_cloud", "+15550783881", config);
    const waId = "16315559999";
    expect((await postWhatsApp(channel, whatsappText(waId, "age"), "not-the-app-secret")).status).toBe(403);
    expect(await contactByUrn(`whatsapp:${waId}`)).toBeUndefined();
  });
});

describe("Telegram", () => {
  const api = `https://api.telegram.org/bot${TG.bot}/sendMessage`;

  it("drives the example flow to the end, replying with sendMessage", async () => {
    server.use(capture(api, () => HttpResponse.json({ ok: true, result: { message_id: Math.floor(Math.random() * 1e6) } })), hook());
    const channel = await createChannel("telegram", "eddy_test_bot", { bot_token: TG.bot, webhook_secret: TG.secret });
    const flow = await exampleWithKeyword(channel);
    const chat = Math.floor(Math.random() * 1e9);

    expect((await postTelegram(channel, telegramText(chat, "age"))).status).toBe(200);
    expect((await postTelegram(channel, telegramText(chat, "30"))).status).toBe(200);

    expect(captured).toHaveLength(3);
    expect(captured[0].body).toMatchObject({ chat_id: String(chat), text: "Hi Nic, how old are you?", reply_markup: { keyboard: [[{ text: "18" }], [{ text: "30" }]] } });
    expect(captured[2].body).toMatchObject({ text: "Thanks! Your code is AB12", reply_markup: { remove_keyboard: true } });
    const { run } = await finishedRun(`telegram:${chat}`);
    expect(run).toMatchObject({ flow_uuid: flow.uuid, status: "completed" });
    expect(run.results.age).toMatchObject({ value: "30", category: "Valid" });
  });

  it("rejects a wrong secret token with 403 and stores nothing", async () => {
    const channel = await createChannel("telegram", "eddy_test_bot", { bot_token: TG.bot, webhook_secret: TG.secret });
    const chat = Math.floor(Math.random() * 1e9);
    expect((await postTelegram(channel, telegramText(chat, "age"), "guessed")).status).toBe(403);
    expect(await contactByUrn(`telegram:${chat}`)).toBeUndefined();
  });
});

describe("Vonage", () => {
  const api = "https://api.nexmo.com/v1/messages";
  const config = { api_key: VONAGE.key, api_secret: VONAGE.secret, signature_secret: VONAGE.signatureSecret };

  it("drives the example flow to the end, replying through the Messages API", async () => {
    server.use(capture(api, () => HttpResponse.json({ message_uuid: crypto.randomUUID() }, { status: 202 })), hook());
    const channel = await createChannel("vonage", "447700900000", config);
    const flow = await exampleWithKeyword(channel);
    const from = `4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, "0")}`;

    expect((await postVonage(channel, vonageSms("447700900000", from, "age"))).status).toBe(200);
    expect((await postVonage(channel, vonageSms("447700900000", from, "42"))).status).toBe(200);

    expect(captured).toHaveLength(3);
    for (const c of captured) {
      expect(c.headers.get("authorization")).toBe(basic(VONAGE.key, VONAGE.secret));
      expect(c.body).toMatchObject({ message_type: "text", to: from, from: "447700900000", channel: "sms" });
    }
    expect(captured[2].body.text).toBe("Thanks! Your code is AB12");
    const { contact, run } = await finishedRun(`tel:+${from}`);
    expect(run).toMatchObject({ flow_uuid: flow.uuid, status: "completed" });
    expect((await messagesOf(contact)).map((m) => m.direction)).toEqual(["in", "out", "out", "in", "out"]);
  });

  it("rejects a JWT signed with another secret with 401 and stores nothing", async () => {
    const channel = await createChannel("vonage", "447700900000", config);
    const from = "447700900123";
    expect((await postVonage(channel, vonageSms("447700900000", from, "age"), "another-secret-0123456789abcdef")).status).toBe(401);
    expect(await contactByUrn(`tel:+${from}`)).toBeUndefined();
  });
});
