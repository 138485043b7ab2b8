import { env } from "cloudflare:workers";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  basic,
  contactByUrn,
  EXAMPLE,
  exampleAssets,
  HOOK,
  keywordTrigger,
  messagesOf,
  ORIGIN,
  phone,
  postTwilio,
  publishFlow,
  runsOf,
  twilioChannel,
  twilioSms,
  TWILIO_API,
  TWILIO_SID,
  TWILIO_TOKEN,
} from "../contact/support";

type Sent = { auth: string | null; form: URLSearchParams };
let sent: Sent[] = [];

const server = setupServer();
beforeAll(async () => {
  server.listen({ onUnhandledRequest: "error" });
  await exampleAssets();
});
afterEach(() => {
  server.resetHandlers();
  sent = [];
});
afterAll(() => server.close());

function twilioAccepts() {
  server.use(
    http.post(TWILIO_API, async ({ request }) => {
      sent.push({ auth: request.headers.get("authorization"), form: new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer())) });
      return HttpResponse.json({ sid: `SM${crypto.randomUUID().replace(/-/g, "")}`, status: "queued" }, { status: 201 });
    }),
    http.post(HOOK, () => HttpResponse.json({ code: "AB12" })),
  );
}

describe("a Twilio SMS conversation", () => {
  it("drives the example flow to the end from a signed keyword message, replying through Twilio's API", async () => {
    twilioAccepts();
    const channel = await twilioChannel();
    const flow = await publishFlow(EXAMPLE);
    await keywordTrigger(flow.uuid, channel.uuid, "age");
    const from = phone();

    const first = await postTwilio(channel.uuid, twilioSms(channel, from, "age"));
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("text/xml");
    expect(await first.text()).toContain("<Response/>");

    // The keyword answers the question's wait ("age" is not a number), so the question comes again and waits.
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      expect(s.form.get("Body")).toMatch(/^Hi , how old are you\?/);
      expect(s.auth).toBe(basic(TWILIO_SID, TWILIO_TOKEN));
      expect(s.form.get("To")).toBe(from);
      expect(s.form.get("From")).toBe(channel.address);
      expect(s.form.get("StatusCallback")).toBe(`${ORIGIN}/channels/${channel.uuid}/status`);
    }

    const second = await postTwilio(channel.uuid, twilioSms(channel, from, "I am 25"));
    expect(second.status).toBe(200);
    expect(sent.map((s) => s.form.get("Body"))[2]).toBe("Thanks! Your code is AB12");
    expect(sent).toHaveLength(3);

    const contact = (await contactByUrn(`tel:${from}`))!;
    const msgs = await messagesOf(contact);
    expect(msgs.filter((m) => m.direction === "in").map((m) => m.text)).toEqual(["age", "I am 25"]);
    expect(msgs.filter((m) => m.direction === "out").every((m) => m.status === "wired" && m.external_id)).toBe(true);
    const [run] = await runsOf(contact);
    expect(run).toMatchObject({ flow_uuid: flow.uuid, flow_version: 1, status: "completed" });
    expect(run.results.age).toMatchObject({ value: "25", category: "Valid", input: "I am 25" });
    const row = await env.DB.prepare("SELECT fields FROM contacts WHERE uuid = ?").bind(contact).first<{ fields: string }>();
    expect(JSON.parse(row!.fields)).toEqual({ age: 25 });
    const results = await env.DB.prepare("SELECT key, value, category FROM run_results WHERE run_uuid = ?").bind(run.uuid).all();
    expect(results.results).toEqual([{ key: "age", value: "25", category: "Valid" }]);
  });
});
