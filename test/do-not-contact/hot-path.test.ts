// The do-not-contact list off the hot path (docs/do-not-contact.md): a message to a contact whose
// number was just listed costs its object no D1 read (the API told it), and adding a page of
// addresses costs the API a fixed number of D1 queries and one call per owning contact. Counted
// from outside (test/limits/count.ts).
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ContactSession } from "../../durable/contact/contact-session";
import worker from "../../worker/index";
import { apiToken } from "../api/helpers";
import { countEntryPoints, invocation, subrequests, takeInvocations } from "../limits/count";
import { call, contactByUrn, linearFlow, messagesOf, ORIGIN, phone, postTwilio, publishFlow, say, twilioChannel, twilioOutbox, twilioSms } from "../contact/support";

const { sent } = twilioOutbox();
beforeAll(() => countEntryPoints(ContactSession, ["receive", "doNotContactChanged"], (_o, args) => (typeof args[0] === "string" ? args[0] : null)));

/** An API call through the Worker's fetch handler in this isolate, so its D1 queries and object calls are counted. */
async function api(method: string, path: string, body: unknown) {
  const request = new Request(`${ORIGIN}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${await apiToken()}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const ctx = createExecutionContext();
  const { result, cost } = await invocation("worker.fetch", async () => worker.fetch(request, env, ctx));
  await waitOnExecutionContext(ctx);
  return { status: result.status, cost };
}

describe("the do-not-contact list on the hot path", () => {
  it("a message to a contact listed since its object read it: skipped with no D1 read in the object", async () => {
    const channel = await twilioChannel();
    const flow = await publishFlow(linearFlow("Echo", "messaging", [{ actions: [say("Got @input.text")] }]));
    expect((await call("POST", "/triggers", { type: "catch_all", flow: flow.uuid, channel: channel.uuid })).status).toBe(201);
    const from = phone();
    await postTwilio(channel.uuid, twilioSms(channel, from, "hi"));
    const contact = (await contactByUrn(`tel:${from}`))!;
    expect(sent.map((s) => s.body)).toEqual(["Got hi"]);

    const added = await api("POST", "/do-not-contact", { addresses: [from] });
    expect(added.status).toBe(200);
    expect(added.cost.objectCalls).toBe(1);
    takeInvocations();

    await postTwilio(channel.uuid, twilioSms(channel, from, "blue"));
    expect(sent.map((s) => s.body)).toEqual(["Got hi"]);
    const [object] = takeInvocations().filter((u) => u.name === "ContactSession.receive" && u.contact === contact);
    // The D1 writes (one batch), nothing read, nothing sent.
    expect(object.d1Calls).toBe(1);
    expect(object.fetches).toBe(0);
    expect((await messagesOf(contact)).filter((m) => m.direction === "out").map((m) => [m.text, m.status])).toEqual([
      ["Got hi", "wired"],
      ["Got blue", "skipped"],
    ]);
  });

  it("adding 100 addresses costs a fixed number of D1 queries and one call per contact that owns one", async () => {
    const owners = await Promise.all(
      Array.from({ length: 10 }, async () => {
        const tel = phone();
        expect((await call("POST", "/contacts", { urns: [`tel:${tel}`, `whatsapp:${tel.slice(1)}`] })).status).toBe(201);
        return tel;
      }),
    );
    const strangers = Array.from({ length: 90 }, () => phone());
    const { status, cost } = await api("POST", "/do-not-contact", { addresses: [...owners, ...strangers] });
    expect(status).toBe(200);
    // Auth, the insert, the owners' lookup, the answer: not one query per address.
    expect(cost.d1Queries).toBeLessThanOrEqual(6);
    // One call per owner, though each owns the number twice (tel: and whatsapp:).
    expect(cost.objectCalls).toBe(10);
    expect(subrequests(cost)).toBeLessThan(30);
  }, 30_000);
});
