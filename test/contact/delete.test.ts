// Deleting a contact through the API wipes its Durable Object: no session, timers, outbox, event
// log or alarm is left behind.
import { describe, expect, it } from "vitest";
import { call, contactObject, EXAMPLE, exampleAssets, phone, publishFlow, twilioChannel, twilioOutbox } from "./support";

const { sent } = twilioOutbox();

describe("DELETE /contacts/:uuid", () => {
  it("wipes the contact's object", async () => {
    await exampleAssets();
    await twilioChannel();
    const flow = await publishFlow(EXAMPLE);
    const contact = (await call("POST", "/contacts", { name: "Ana", urns: [`tel:${phone()}`] })).body.uuid as string;
    expect((await call("POST", `/flows/${flow.uuid}/start`, { contacts: [contact] })).body).toMatchObject({ started: 1 });
    expect((await call("POST", "/events", { contact, name: "signed_up", properties: {} })).status).toBeLessThan(300);
    const before = await contactObject(contact).state();
    expect(before.session).toMatchObject({ status: "waiting" });
    expect(before.timers.length).toBeGreaterThan(0);
    expect(sent).toHaveLength(1);

    expect((await call("DELETE", `/contacts/${contact}`)).status).toBe(204);
    const after = await contactObject(contact).state();
    expect(after).toMatchObject({ contactUuid: null, session: null, background: 0, timers: [], outbox: [], fanouts: [], alarm: null });
    expect(await contactObject(contact).events()).toEqual([]);
    expect((await call("GET", `/contacts/${contact}`)).status).toBe(404);
  });
});
