// D1 off the hot path: a message to a contact its object has seen costs the object no D1 query
// (it keeps its contact, and the isolate its assets), counted from outside (test/limits/count.ts); the
// Worker's memory of URN owners is only a hint: a URN moved to another contact reaches that one.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { invocation, subrequests, takeInvocations } from "../limits/count";
import { countContactInvocations } from "./entry-points";
import { call, contactByUrn, linearFlow, messagesOf, ORIGIN, phone, postTwilio, publishFlow, say, twilioChannel, twilioOutbox, twilioSignature, twilioSms } from "./support";

const { sent } = twilioOutbox();
beforeAll(() => countContactInvocations());

/** The Worker's fetch handler called in this isolate, so its own D1 queries are counted too. */
async function webhook(channel: string, params: Record<string, string>) {
  const url = `${ORIGIN}/channels/${channel}/receive`;
  const request = new Request(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": await twilioSignature(url, params) },
    body: new URLSearchParams(params).toString(),
  });
  const ctx = createExecutionContext();
  const { result, cost } = await invocation("worker.fetch", async () => worker.fetch(request, env, ctx));
  await waitOnExecutionContext(ctx);
  expect(result.status).toBe(200);
  return cost;
}

describe("an inbound message to a contact the object has seen", () => {
  it("is handled with no D1 read in the object, within the invocation limits", async () => {
    const channel = await twilioChannel();
    const flow = await publishFlow(linearFlow("Echo", "messaging", [{ actions: [say("Got @input.text")] }]));
    expect((await call("POST", "/triggers", { type: "catch_all", flow: flow.uuid, channel: channel.uuid })).status).toBe(201);
    const from = phone();

    await webhook(channel.uuid, twilioSms(channel, from, "hi"));
    const contact = (await contactByUrn(`tel:${from}`))!;
    takeInvocations();

    const worker = await webhook(channel.uuid, twilioSms(channel, from, "blue"));
    expect(sent.map((s) => s.body)).toEqual(["Got hi", "Got blue"]);
    const [object] = takeInvocations().filter((u) => u.name === "ContactSession.receive" && u.contact === contact);
    // The object: the reply and the D1 writes (one batch), nothing read.
    expect(object.d1Calls).toBe(1);
    expect(object.fetches).toBe(1);
    expect(subrequests(object)).toBeLessThanOrEqual(3);
    // The Worker: the channel from the isolate's assets, the URN's owner from its memory, and the call to the object.
    expect(worker.d1Queries).toBe(0);
    expect(worker.objectCalls).toBe(1);
    expect((await messagesOf(contact)).filter((m) => m.direction === "in").map((m) => m.text)).toEqual(["hi", "blue"]);
  });

  it("reaches the URN's new owner after the API moved it, though the Worker remembered the old one", async () => {
    const channel = await twilioChannel();
    const from = phone();
    await postTwilio(channel.uuid, twilioSms(channel, from, "first"));
    const before = (await contactByUrn(`tel:${from}`))!;

    expect((await call("PATCH", `/contacts/${before}`, { urns: [`tel:${phone()}`] })).status).toBe(200);
    const after = (await call("POST", "/contacts", { name: "New owner", urns: [`tel:${from}`] })).body.uuid as string;
    await postTwilio(channel.uuid, twilioSms(channel, from, "second"));

    expect((await messagesOf(before)).map((m) => m.text)).toEqual(["first"]);
    expect((await messagesOf(after)).map((m) => m.text)).toEqual(["second"]);
  });

  it("sees the API's edit of the contact in the next message's flow", async () => {
    const channel = await twilioChannel();
    const flow = await publishFlow(linearFlow("Name", "messaging", [{ actions: [say("Hi @contact.name")] }]));
    expect((await call("POST", "/triggers", { type: "catch_all", flow: flow.uuid, channel: channel.uuid })).status).toBe(201);
    const from = phone();
    await postTwilio(channel.uuid, twilioSms(channel, from, "one"));
    const contact = (await contactByUrn(`tel:${from}`))!;
    expect((await call("PATCH", `/contacts/${contact}`, { name: "Ana" })).status).toBe(200);
    await postTwilio(channel.uuid, twilioSms(channel, from, "two"));
    expect(sent.map((s) => s.body)).toEqual(["Hi ", "Hi Ana"]);
  });
});
