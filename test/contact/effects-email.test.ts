// A flow's send_email, end to end: a Twilio webhook starts the flow, the email goes out at
// Mailgun's API through the contact's outbox (retried, never twice), its D1 row follows.
import { runDurableObjectAlarm } from "cloudflare:test";
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { basic, call, contactByUrn, contactObject, createChannel, keywordTrigger, linearFlow, messagesOf, phone, postTwilio, publishFlow, say, twilioChannel, twilioSms, TWILIO_API } from "./support";

const MAILGUN = "https://api.mailgun.net/v3/mg.example.org/messages";
const MAILGUN_KEY = "key-mailgun-api-key-0123456789";

let sms: string[] = [];
let mails: { to: string; subject: string; text: string; auth: string | null }[] = [];
let mailgunFails = 0;

const server = setupServer(
  http.post(TWILIO_API, async ({ request }) => {
    sms.push(new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer())).get("Body")!);
    return HttpResponse.json({ sid: `SM${crypto.randomUUID().replace(/-/g, "")}` }, { status: 201 });
  }),
  http.post(MAILGUN, async ({ request }) => {
    if (mailgunFails > 0 && mailgunFails--) return HttpResponse.json({ message: "try later" }, { status: 503 });
    const form = new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
    mails.push({ to: form.get("to")!, subject: form.get("subject")!, text: form.get("text")!, auth: request.headers.get("authorization") });
    return HttpResponse.json({ id: `<${crypto.randomUUID()}@mg.example.org>`, message: "Queued. Thank you." });
  }),
);
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => {
  sms = [];
  mails = [];
  mailgunFails = 0;
  vi.useRealTimers();
});
afterAll(() => server.close());

const sendEmail = { type: "send_email", addresses: ["ops@example.org", "@fields.manager"], subject: "New report from @contact.name", body: "@contact.name wrote: @input.text" };

/** A contact on a Twilio channel whose keyword starts a flow that answers and sends an email. */
async function reporter(keyword: string) {
  const channel = await twilioChannel();
  const flow = await publishFlow(linearFlow("Report", "messaging", [{ actions: [say("Thanks, we told the team"), sendEmail] }]));
  await keywordTrigger(flow.uuid, channel.uuid, keyword);
  const from = phone();
  const write = (text: string) => postTwilio(channel.uuid, twilioSms(channel, from, text));
  return { channel, flow, from, write };
}

describe("send_email", () => {
  // First in the file: no email channel exists yet.
  it("without an email channel: the run goes on, the email's D1 row is failed and the outbox says why", async () => {
    const r = await reporter("nomail");
    expect((await r.write("nomail the pump is broken")).status).toBe(200);
    expect(sms).toEqual(["Thanks, we told the team"]);
    expect(mails).toEqual([]);
    const contact = (await contactByUrn(`tel:${r.from}`))!;
    const out = (await messagesOf(contact)).filter((m) => m.direction === "out");
    expect(out.map((m) => [m.urn, m.status])).toEqual([
      [`tel:${r.from}`, "wired"],
      ["mailto:ops@example.org", "failed"],
    ]);
    const state = await contactObject(contact).state();
    expect(state.outbox.find((m) => m.urn === "mailto:ops@example.org")).toMatchObject({ state: "failed", error: expect.stringMatching(/no email channel/) });
  });

  it("sends through the workspace's email channel with the flow's subject, to every address", async () => {
    await createChannel("email", "hello@mg.example.org", { domain: "mg.example.org", api_key: MAILGUN_KEY, webhook_signing_key: "signing-key-0123456789" });
    const r = await reporter("report");
    const contact = await namedWithManager(r);
    expect((await r.write("report the pump is broken")).status).toBe(200);
    expect(sms).toEqual(["Thanks, we told the team"]);
    expect(mails).toEqual([
      { to: "ops@example.org", subject: "New report from Ana", text: "Ana wrote: report the pump is broken", auth: basic("api", MAILGUN_KEY) },
      { to: "boss@example.org", subject: "New report from Ana", text: "Ana wrote: report the pump is broken", auth: basic("api", MAILGUN_KEY) },
    ]);
    const out = (await messagesOf(contact)).filter((m) => m.direction === "out");
    expect(out.map((m) => [m.urn, m.status, m.flow_uuid])).toEqual([
      [`tel:${r.from}`, "wired", r.flow.uuid],
      ["mailto:ops@example.org", "wired", r.flow.uuid],
      ["mailto:boss@example.org", "wired", r.flow.uuid],
    ]);
  });

  it("retries an email Mailgun refuses with 503, and delivers it exactly once", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    const r = await reporter("retry");
    const contact = await namedWithManager(r);
    mailgunFails = 1;
    await r.write("retry it is leaking");
    expect(mails).toEqual([]);
    let out = (await messagesOf(contact)).filter((m) => m.urn?.startsWith("mailto:"));
    expect(out.map((m) => m.status)).toEqual(["errored", "queued"]);

    vi.setSystemTime(t0 + 5_000);
    expect(await runDurableObjectAlarm(contactObject(contact))).toBe(true);
    expect(mails.map((m) => m.to)).toEqual(["ops@example.org", "boss@example.org"]);
    // Alarms again send nothing more.
    vi.setSystemTime(t0 + 60_000);
    await runDurableObjectAlarm(contactObject(contact));
    expect(mails).toHaveLength(2);
    out = (await messagesOf(contact)).filter((m) => m.urn?.startsWith("mailto:"));
    expect(out.map((m) => m.status)).toEqual(["wired", "wired"]);
  });

  it("doesn't hold the contact's SMS behind an email being retried", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    vi.setSystemTime(t0);
    const r = await reporter("first");
    const contact = await namedWithManager(r);
    const flow = await publishFlow(linearFlow("Email first", "messaging", [{ actions: [sendEmail, say("We emailed the team")] }]));
    mailgunFails = 1;
    expect((await call("POST", `/flows/${flow.uuid}/start`, { contacts: [contact] })).body.results[0]).toMatchObject({ status: "started" });
    expect(sms).toEqual(["We emailed the team"]);
    // The first address was refused; the second waits behind it, on the email channel.
    expect(mails).toEqual([]);

    vi.setSystemTime(t0 + 5_000);
    await runDurableObjectAlarm(contactObject(contact));
    expect(mails.map((m) => m.to)).toEqual(["ops@example.org", "boss@example.org"]);
    expect(sms).toEqual(["We emailed the team"]);
  });

  it("holds a flow's emails outside its delivery window, like its messages, and sends them when the window opens", async () => {
    const r = await reporter("window");
    const contact = await namedWithManager(r);
    // A one-hour window opening two hours from now, every day, in UTC.
    const opens = Math.floor((Date.now() + 2 * 3600_000) / 60_000) * 60_000;
    const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16);
    const window = { days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], start: hhmm(opens), end: hhmm(opens + 3600_000), timezone: "UTC" };
    const flow = await publishFlow(linearFlow("Windowed report", "messaging_background", [{ actions: [sendEmail] }]), { delivery_window: window });
    expect((await call("POST", `/flows/${flow.uuid}/start`, { contacts: [contact] })).body.results[0]).toMatchObject({ status: "started" });
    expect(mails).toEqual([]);
    const stub = contactObject(contact);
    const held = (await stub.state()).outbox.filter((m) => m.urn.startsWith("mailto:"));
    expect(held.map((m) => [m.urn, m.state, m.held_until, m.flow_uuid])).toEqual([
      ["mailto:ops@example.org", "pending", opens, flow.uuid],
      ["mailto:boss@example.org", "pending", opens, flow.uuid],
    ]);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(opens + 1000);
    await runDurableObjectAlarm(stub);
    expect(mails.map((m) => [m.to, m.subject])).toEqual([
      ["ops@example.org", "New report from Ana"],
      ["boss@example.org", "New report from Ana"],
    ]);
  });
});

/** The contact (made by its first message) gets a name and a manager field, so the templates have values. */
async function namedWithManager(r: Awaited<ReturnType<typeof reporter>>): Promise<string> {
  await r.write("hello");
  const contact = (await contactByUrn(`tel:${r.from}`))!;
  await call("POST", "/fields", { key: "manager", name: "Manager", type: "text" }); // 409 after the first test: fine
  const res = await call("PATCH", `/contacts/${contact}`, { name: "Ana", fields: { manager: "boss@example.org" } });
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  return contact;
}
