import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { whatsappCloud } from "../../worker/channels/whatsapp_cloud";
import { fetcher, hex, hmacBytes, makeChannel, outbound } from "./support";

const APP_SECRET = "0123456789abcdef0123456789abcdef";
const TOKEN = "EAAG-access-token-secret-value";
const PHONE_ID = "106540352242922";
const ch = makeChannel("whatsapp_cloud", "+15550783881", { phone_number_id: PHONE_ID, access_token: TOKEN, app_secret: APP_SECRET, verify_token: "my-verify-token", api_version: "v21.0" });
const URL_ = "https://eddy.example.org/channels/0b5a0c3e-5b2c-4c1e-9d55-2f6a3b6f8a11/receive";
const MESSAGES = `https://graph.facebook.com/v21.0/${PHONE_ID}/messages`;

async function signed(payload: unknown, secret = APP_SECRET): Promise<Request> {
  const body = JSON.stringify(payload);
  const sig = "sha256=" + hex(await hmacBytes("SHA-256", secret, body));
  return new Request(URL_, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sig }, body });
}

/** The envelope Meta wraps every notification in. */
function envelope(value: Record<string, unknown>, phoneId = PHONE_ID) {
  return {
    object: "whatsapp_business_account",
    entry: [{ id: "102290129340398", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "15550783881", phone_number_id: phoneId }, ...value } }] }],
  };
}

const contacts = [{ profile: { name: "Kerry Fisher" }, wa_id: "16315551234" }];

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe("whatsapp cloud verification", () => {
  it("echoes hub.challenge for the right verify token, 403 otherwise", async () => {
    const ok = whatsappCloud.handleVerification!(new Request(`${URL_}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=my-verify-token`), ch);
    expect(ok?.status).toBe(200);
    expect(await ok?.text()).toBe("1158201444");
    const bad = whatsappCloud.handleVerification!(new Request(`${URL_}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=guess`), ch);
    expect(bad?.status).toBe(403);
    expect(whatsappCloud.handleVerification!(new Request(URL_, { method: "POST", body: "{}" }), ch)).toBeNull();
  });
});

describe("whatsapp cloud webhooks", () => {
  it("parses a signed text message with the contact's profile name", async () => {
    const r = await whatsappCloud.handleWebhook(
      await signed(envelope({ contacts, messages: [{ from: "16315551234", id: "wamid.HBgLMTYzMTU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", timestamp: "1683229471", text: { body: "Hello" }, type: "text" }] })),
      ch,
      URL_,
    );
    expect(r).toEqual({
      kind: "accepted",
      statuses: [],
      response: expect.any(Response),
      messages: [
        {
          channelUuid: ch.uuid,
          urn: "whatsapp:16315551234",
          externalId: "wamid.HBgLMTYzMTU1NTEyMzQVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
          text: "Hello",
          attachments: [],
          receivedOn: "2023-05-04T19:44:31.000Z",
          contactName: "Kerry Fisher",
        },
      ],
    });
  });

  it("parses button and list replies, template buttons, media, locations and WhatsApp Flow replies", async () => {
    const base = { from: "16315551234", timestamp: "1683229471" };
    const r = await whatsappCloud.handleWebhook(
      await signed(
        envelope({
          contacts,
          messages: [
            { ...base, id: "w1", type: "interactive", interactive: { type: "button_reply", button_reply: { id: "qr0", title: "Yes" } } },
            { ...base, id: "w2", type: "interactive", interactive: { type: "list_reply", list_reply: { id: "qr3", title: "Kigali", description: "" } } },
            { ...base, id: "w3", type: "button", button: { payload: "STOP", text: "Stop promotions" } },
            { ...base, id: "w4", type: "image", image: { caption: "my cat", mime_type: "image/jpeg", sha256: "abc", id: "1479537139650973" } },
            { ...base, id: "w5", type: "location", location: { latitude: -1.95, longitude: 30.06, name: "Home" } },
            { ...base, id: "w6", type: "interactive", interactive: { type: "nfm_reply", nfm_reply: { name: "flow", body: "Sent", response_json: '{"flow_token":"t1","age":"34","district":"Gasabo"}' } } },
            { ...base, id: "w7", type: "reaction", reaction: { message_id: "w1", emoji: "👍" } },
          ],
        }),
      ),
      ch,
      URL_,
    );
    if (r.kind !== "accepted") throw new Error(r.kind);
    expect(r.messages.map((m) => [m.externalId, m.text, m.attachments])).toEqual([
      ["w1", "Yes", []],
      ["w2", "Kigali", []],
      ["w3", "Stop promotions", []],
      ["w4", "my cat", ["image/jpeg:media:1479537139650973"]],
      ["w5", "", ["geo:-1.95,30.06"]],
      ["w6", '{"flow_token":"t1","age":"34","district":"Gasabo"}', []],
    ]);
    expect(r.messages[5].form).toEqual({ flow_token: "t1", age: "34", district: "Gasabo" });
  });

  it("parses statuses, with Meta's error on failure", async () => {
    const r = await whatsappCloud.handleWebhook(
      await signed(
        envelope({
          statuses: [
            { id: "wamid.A", status: "delivered", timestamp: "1683229500", recipient_id: "16315551234" },
            { id: "wamid.B", status: "failed", timestamp: "1683229501", recipient_id: "16315551234", errors: [{ code: 131047, title: "Re-engagement message" }] },
          ],
        }),
      ),
      ch,
      URL_,
    );
    expect(r).toMatchObject({
      kind: "accepted",
      messages: [],
      statuses: [
        { externalId: "wamid.A", status: "delivered", at: "2023-05-04T19:45:00.000Z" },
        { externalId: "wamid.B", status: "failed", error: "131047: Re-engagement message" },
      ],
    });
  });

  it("ignores notifications for another phone number of the same app", async () => {
    const r = await whatsappCloud.handleWebhook(await signed(envelope({ contacts, messages: [{ from: "1", id: "x", timestamp: "1", type: "text", text: { body: "hi" } }] }, "999")), ch, URL_);
    expect(r).toMatchObject({ kind: "accepted", messages: [], statuses: [] });
  });

  it("rejects a missing signature with 401 and a wrong one with 403", async () => {
    const payload = envelope({ contacts, messages: [] });
    const unsigned = new Request(URL_, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
    expect(await whatsappCloud.handleWebhook(unsigned, ch, URL_)).toMatchObject({ kind: "rejected", status: 401 });
    expect(await whatsappCloud.handleWebhook(await signed(payload, "not-the-app-secret"), ch, URL_)).toMatchObject({ kind: "rejected", status: 403 });
  });

  it("answers a signed malformed payload with 400", async () => {
    expect(await whatsappCloud.handleWebhook(await signed({ entry: "nope" }), ch, URL_)).toMatchObject({ kind: "invalid", status: 400 });
  });
});

describe("whatsapp cloud sends", () => {
  function capture(bodies: unknown[], url = MESSAGES) {
    let n = 0;
    server.use(
      http.post(url, async ({ request }) => {
        expect(request.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
        bodies.push(await request.json());
        return HttpResponse.json({ messaging_product: "whatsapp", contacts: [{ input: "16315551234", wa_id: "16315551234" }], messages: [{ id: `wamid.out${++n}` }] });
      }),
    );
  }

  it("sends text to the phone number's messages endpoint with the bearer token", async () => {
    const bodies: unknown[] = [];
    capture(bodies);
    expect(await whatsappCloud.send(outbound("whatsapp:16315551234", "Hello there"), ch, fetcher)).toEqual({ ok: true, externalId: "wamid.out1" });
    expect(bodies).toEqual([{ messaging_product: "whatsapp", recipient_type: "individual", to: "16315551234", type: "text", text: { body: "Hello there", preview_url: false } }]);
  });

  it("sends up to 3 quick replies as reply buttons, 4 to 10 as a list", async () => {
    const bodies: Record<string, any>[] = [];
    capture(bodies);
    await whatsappCloud.send(outbound("whatsapp:16315551234", "Continue?", { quickReplies: ["Yes", "No"] }), ch, fetcher);
    expect(bodies[0]).toMatchObject({
      type: "interactive",
      interactive: { type: "button", body: { text: "Continue?" }, action: { buttons: [{ type: "reply", reply: { id: "qr0", title: "Yes" } }, { type: "reply", reply: { id: "qr1", title: "No" } }] } },
    });
    await whatsappCloud.send(outbound("whatsapp:16315551234", "District?", { quickReplies: ["Gasabo", "Kicukiro", "Nyarugenge", "Bugesera", "A district name longer than twenty-four"] }), ch, fetcher);
    expect(bodies[1].interactive.type).toBe("list");
    expect(bodies[1].interactive.action.button).toBe("Menu");
    const rows = bodies[1].interactive.action.sections[0].rows;
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ id: "qr0", title: "Gasabo" });
    expect(rows[4].title).toHaveLength(24);
  });

  it("sends an image by link with the text as caption, and audio (which takes no caption) before a separate text", async () => {
    const bodies: Record<string, any>[] = [];
    capture(bodies);
    expect(await whatsappCloud.send(outbound("whatsapp:16315551234", "Look", { attachments: ["image/jpeg:https://cdn.example/a.jpg"] }), ch, fetcher)).toEqual({ ok: true, externalId: "wamid.out1" });
    expect(bodies[0]).toMatchObject({ type: "image", image: { link: "https://cdn.example/a.jpg", caption: "Look" } });
    bodies.length = 0;
    const r = await whatsappCloud.send(outbound("whatsapp:16315551234", "Listen", { attachments: ["audio/mpeg:https://cdn.example/a.mp3"] }), ch, fetcher);
    expect(bodies.map((b) => b.type)).toEqual(["audio", "text"]);
    expect(r).toEqual({ ok: true, externalId: "wamid.out3" });
  });

  it("reports how many parts went out, and resumes from there", async () => {
    let calls = 0;
    server.use(
      http.post(MESSAGES, () => (++calls === 2 ? HttpResponse.json({ error: { message: "Service temporarily unavailable", code: 2 } }, { status: 503 }) : HttpResponse.json({ messages: [{ id: `wamid.${calls}` }] }))),
    );
    const msg = outbound("whatsapp:16315551234", "Listen", { attachments: ["audio/mpeg:https://cdn.example/a.mp3"] });
    expect(await whatsappCloud.send(msg, ch, fetcher)).toMatchObject({ ok: false, retryable: true, partsSent: 1 });
    expect(await whatsappCloud.send({ ...msg, fromPart: 1 }, ch, fetcher)).toEqual({ ok: true, externalId: "wamid.3" });
    expect(calls).toBe(3);
  });

  it("classifies 429, 500 and Meta's throttling codes as retryable, other 400s as final, without the token", async () => {
    server.use(http.post(MESSAGES, () => HttpResponse.json({ error: { message: "rate" } }, { status: 429, headers: { "retry-after": "30" } })));
    expect(await whatsappCloud.send(outbound("whatsapp:1", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 30 });
    server.use(http.post(MESSAGES, () => HttpResponse.json({ error: { message: "boom" } }, { status: 500 })));
    expect(await whatsappCloud.send(outbound("whatsapp:1", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: true });
    server.use(http.post(MESSAGES, () => HttpResponse.json({ error: { message: "(#130429) Rate limit hit", code: 130429 } }, { status: 400 })));
    expect(await whatsappCloud.send(outbound("whatsapp:1", "x"), ch, fetcher)).toMatchObject({ ok: false, retryable: true });
    server.use(http.post(MESSAGES, () => HttpResponse.json({ error: { message: `Invalid OAuth access token ${TOKEN}`, code: 190 } }, { status: 400 })));
    const r = await whatsappCloud.send(outbound("whatsapp:1", "x"), ch, fetcher);
    expect(r).toMatchObject({ ok: false, retryable: false });
    if (!r.ok) expect(r.error).not.toContain(TOKEN);
  });

  it("honours the base URL override and the API version", async () => {
    const bodies: unknown[] = [];
    capture(bodies, `https://graph.proxy.test/v22.0/${PHONE_ID}/messages`);
    const other = { ...ch, baseUrl: "https://graph.proxy.test", config: { ...ch.config, api_version: "22.0" } };
    expect(await whatsappCloud.send(outbound("whatsapp:1", "x"), other, fetcher)).toMatchObject({ ok: true });
    expect(bodies).toHaveLength(1);
  });

  it("downloads provider-held media in Meta's two steps, with the token", async () => {
    server.use(
      http.get(`https://graph.facebook.com/v21.0/1479537139650973`, ({ request }) => {
        expect(request.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
        return HttpResponse.json({ url: "https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1479537139650973", mime_type: "image/jpeg" });
      }),
      http.get("https://lookaside.fbsbx.com/whatsapp_business/attachments/", ({ request }) => {
        expect(request.headers.get("authorization")).toBe(`Bearer ${TOKEN}`);
        return new HttpResponse("JPEGDATA", { headers: { "content-type": "image/jpeg" } });
      }),
    );
    const res = await whatsappCloud.fetchMedia!("1479537139650973", ch, fetcher);
    expect(new TextDecoder().decode(await res.arrayBuffer())).toBe("JPEGDATA");
  });
});
