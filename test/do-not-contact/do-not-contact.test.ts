// The do-not-contact list (docs/do-not-contact.md): kept through the API and by a flow's
// update_do_not_contact, and applied to every send: a flow's messages, API sends, broadcasts.
import { runDurableObjectAlarm } from "cloudflare:test";
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { call, contactByUrn, contactObject, createChannel, keywordTrigger, linearFlow, messagesOf, phone, postTwilio, publishFlow, say, twilioChannel, twilioOutbox, twilioSms } from "../contact/support";

const MAILGUN = "https://api.mailgun.net/v3/mg-dnc.example.org/messages";
const mails: string[] = [];
const { sent } = twilioOutbox(
  http.post(MAILGUN, async ({ request }) => {
    mails.push(new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer())).get("to")!);
    return HttpResponse.json({ id: `<${crypto.randomUUID()}@mg-dnc.example.org>`, message: "Queued. Thank you." });
  }),
);

async function contact(urns: string[]): Promise<string> {
  const r = await call("POST", "/contacts", { urns });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return r.body.uuid;
}

async function start(flow: string, who: string) {
  const r = await call("POST", `/flows/${flow}/start`, { contacts: [who] });
  expect(r.status).toBe(200);
  return r.body.results[0] as { status: string };
}

const statuses = async (who: string) => (await messagesOf(who)).filter((m) => m.direction === "out").map((m) => [m.text, m.status]);

describe("the do-not-contact list through the API", () => {
  it("normalises phone numbers to E.164 and emails to lower case, and refuses what is neither (400, nothing added)", async () => {
    const tel = phone();
    const spaced = `${tel.slice(0, 4)} ${tel.slice(4, 7)} ${tel.slice(7)}`;
    const bad = await call("POST", "/do-not-contact", { addresses: [spaced, "not a number", "ana@", "telegram:123"] });
    expect(bad.status).toBe(400);
    expect(bad.body.issues.map((i: { path: string }) => i.path)).toEqual(["addresses.1", "addresses.2", "addresses.3"]);
    expect((await call("GET", `/do-not-contact/${encodeURIComponent(tel)}`)).status).toBe(404);

    const email = `Ana.${crypto.randomUUID().slice(0, 6)}@Example.ORG`;
    const wa = phone();
    const ok = await call("POST", "/do-not-contact", { addresses: [spaced, `mailto:${email}`, `whatsapp:${wa.slice(1)}`] });
    expect(ok.status).toBe(200);
    expect(ok.body.results.map((r: { address: string; kind: string; source: string }) => [r.address, r.kind, r.source]).sort()).toEqual(
      [
        [tel, "phone", "api"],
        [wa, "phone", "api"],
        [email.toLowerCase(), "email", "api"],
      ].sort(),
    );
    // Adding again changes nothing; each is found however it is written.
    expect((await call("POST", "/do-not-contact", { addresses: [tel] })).status).toBe(200);
    expect((await call("GET", `/do-not-contact/${encodeURIComponent(`tel:${tel}`)}`)).body).toMatchObject({ address: tel, kind: "phone" });
    expect((await call("GET", `/do-not-contact/${encodeURIComponent(email.toUpperCase())}`)).body).toMatchObject({ address: email.toLowerCase(), kind: "email" });
    const list = await call("GET", "/do-not-contact?kind=email&limit=500");
    expect(list.body.results.map((r: { address: string }) => r.address)).toContain(email.toLowerCase());
    expect(list.body.results.every((r: { kind: string }) => r.kind === "email")).toBe(true);

    expect((await call("DELETE", `/do-not-contact/${encodeURIComponent(tel)}`)).status).toBe(204);
    expect((await call("GET", `/do-not-contact/${encodeURIComponent(tel)}`)).status).toBe(404);
    expect((await call("DELETE", `/do-not-contact/${encodeURIComponent(tel)}`)).status).toBe(404);
    expect((await call("DELETE", "/do-not-contact/nonsense")).status).toBe(400);
  });

  it("a listed number gets no flow message and no API send (skipped, with the reason); removed, it gets them again", async () => {
    await twilioChannel();
    const tel = phone();
    const who = await contact([`tel:${tel}`]);
    const flow = await publishFlow(linearFlow("Hello", "messaging_background", [{ actions: [say("hello")] }]));
    // The contact's object has read the contact (and its addresses) before the number is listed.
    expect(await start(flow.uuid, who)).toMatchObject({ status: "started" });
    expect(sent.map((s) => s.to)).toEqual([tel]);

    expect((await call("POST", "/do-not-contact", { addresses: [tel] })).status).toBe(200);
    expect(await start(flow.uuid, who)).toMatchObject({ status: "started" });
    const api = await call("POST", "/messages/send", { contact: who, text: "from the API" });
    expect(api.status).toBe(201);
    expect(api.body).toMatchObject({ status: "skipped", reason: expect.stringContaining(`${tel} is on the do-not-contact list`) });
    expect(sent).toHaveLength(1);
    expect(await statuses(who)).toEqual([
      ["hello", "wired"],
      ["hello", "skipped"],
      ["from the API", "skipped"],
    ]);
    const skipped = (await contactObject(who).state()).outbox.filter((r) => r.state === "skipped");
    expect(skipped.map((r) => r.error)).toEqual([`do not contact: ${tel} is on the do-not-contact list`]);
    const listed = await call("GET", `/messages?contact=${who}&direction=out`);
    expect(listed.body.results.map((m: { status: string }) => m.status)).toContain("skipped");

    expect((await call("DELETE", `/do-not-contact/${encodeURIComponent(tel)}`)).status).toBe(204);
    expect(await start(flow.uuid, who)).toMatchObject({ status: "started" });
    expect(sent.map((s) => s.to)).toEqual([tel, tel]);
  });

  it("a number listed as whatsapp: is listed for SMS too", async () => {
    await twilioChannel();
    const tel = phone();
    const who = await contact([`tel:${tel}`]);
    expect((await call("POST", "/do-not-contact", { addresses: [`whatsapp:${tel.slice(1)}`] })).status).toBe(200);
    expect((await call("POST", "/messages/send", { contact: who, text: "hi" })).body).toMatchObject({ status: "skipped" });
    expect(sent).toHaveLength(0);
  });
});

/** Runs the broadcaster's alarm until its fan-outs are finished. */
async function drain(uuid: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    if ((await contactObject(uuid).state()).fanouts.every((f) => f.state !== "pending")) return;
    await runDurableObjectAlarm(contactObject(uuid));
  }
  throw new Error("the fan-out did not finish");
}

describe("update_do_not_contact in a flow", () => {
  it("lists the contact's number: a later broadcast skips it (counted as skipped); removed by another flow, it is sent to again", async () => {
    const channel = await twilioChannel();
    const tel = phone();
    const email = `opt.${crypto.randomUUID().slice(0, 6)}@example.org`;
    const who = await contact([`tel:${tel}`, `mailto:${email}`]);
    const optOut = await publishFlow(linearFlow("Opt out", "messaging_background", [{ actions: [{ type: "update_do_not_contact", operation: "add", kinds: ["phone"] }] }]));
    const optIn = await publishFlow(linearFlow("Opt in", "messaging_background", [{ actions: [{ type: "update_do_not_contact", operation: "remove", kinds: ["phone", "email"] }] }]));
    expect(await start(optOut.uuid, who)).toMatchObject({ status: "started" });
    // Only the kind the action names.
    expect((await call("GET", `/do-not-contact/${encodeURIComponent(tel)}`)).body).toMatchObject({ address: tel, source: "flow" });
    expect((await call("GET", `/do-not-contact/${encodeURIComponent(email)}`)).status).toBe(404);

    const broadcast = await publishFlow(linearFlow("Tell", "messaging", [{ actions: [{ type: "send_broadcast", text: "News", contacts: [{ uuid: who }] }] }]));
    await keywordTrigger(broadcast.uuid, channel.uuid, "tell");
    const from = phone();
    await postTwilio(channel.uuid, twilioSms(channel, from, "tell"));
    const sender = (await contactByUrn(`tel:${from}`))!;
    await drain(sender);
    expect(sent.filter((s) => s.to === tel)).toEqual([]);
    expect((await contactObject(sender).state()).fanouts[0]).toMatchObject({ state: "done", targets: { skipped: 1 } });
    expect(await statuses(who)).toEqual([["News", "skipped"]]);

    expect(await start(optIn.uuid, who)).toMatchObject({ status: "started" });
    expect((await call("GET", `/do-not-contact/${encodeURIComponent(tel)}`)).status).toBe(404);
    await postTwilio(channel.uuid, twilioSms(channel, from, "tell"));
    await drain(sender);
    expect(sent.filter((s) => s.to === tel).map((s) => s.body)).toEqual(["News"]);
  });

  it("a send_email to a listed address (not the contact's own) is skipped; the others go", async () => {
    await twilioChannel();
    await createChannel("email", "hello@mg-dnc.example.org", { domain: "mg-dnc.example.org", api_key: "key-0123456789", webhook_signing_key: "signing-key-0123456789" });
    const [listed, other] = [`boss.${crypto.randomUUID().slice(0, 6)}@example.org`, `team.${crypto.randomUUID().slice(0, 6)}@example.org`];
    expect((await call("POST", "/do-not-contact", { addresses: [listed] })).status).toBe(200);
    const who = await contact([`tel:${phone()}`]);
    const flow = await publishFlow(linearFlow("Report", "messaging_background", [{ actions: [{ type: "send_email", addresses: [listed.toUpperCase(), other], subject: "Report", body: "Done" }] }]));
    mails.length = 0;
    expect(await start(flow.uuid, who)).toMatchObject({ status: "started" });
    expect(mails).toEqual([other]);
    expect((await messagesOf(who)).map((m) => [m.urn, m.status]).sort()).toEqual(
      [
        [`mailto:${listed.toUpperCase()}`, "skipped"],
        [`mailto:${other}`, "wired"],
      ].sort(),
    );
  });

  it("is checked when the flow is published", async () => {
    const r = await call("POST", "/flows", {
      name: `Bad ${crypto.randomUUID().slice(0, 6)}`,
      type: "messaging",
      definition: linearFlow("Bad", "messaging", [{ actions: [{ type: "update_do_not_contact", operation: "forget", kinds: [] }] }]),
    });
    const publish = await call("POST", `/flows/${r.body.uuid}/publish`);
    expect(publish.status).toBe(422);
    expect(JSON.stringify(publish.body.issues)).toMatch(/operation|kinds/);
  });
});
