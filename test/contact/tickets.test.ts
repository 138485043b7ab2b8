// A flow's open_ticket through the API (docs/engine.md): the contact's open tickets outlive the
// session that opened them (@contact.tickets in a later flow), and a start of many contacts opens
// none, as goflow refuses tickets in a batch start.
import { describe, expect, it } from "vitest";
import { settled, startNow } from "../starts/support";
import { call, linearFlow, phone, publishFlow, say, twilioChannel, twilioOutbox } from "./support";

const { sent } = twilioOutbox();

const to = (tel: string) => sent.filter((s) => s.to === tel).map((s) => s.body);

async function contactOn(): Promise<{ uuid: string; tel: string }> {
  await twilioChannel();
  const tel = phone();
  const r = await call("POST", "/contacts", { name: "Ana", urns: [`tel:${tel}`] });
  expect(r.status).toBe(201);
  return { uuid: r.body.uuid, tel };
}

const helpFlow = () =>
  publishFlow(linearFlow("Help", "messaging_background", [{ actions: [{ type: "open_ticket", note: "Needs a call", result_name: "Ticket" }, say("ticket=@results.ticket")] }]));

describe("open_ticket", () => {
  it("keeps the contact's open tickets for later flows: @contact.tickets", { timeout: 60_000 }, async () => {
    const ana = await contactOn();
    const help = await helpFlow();
    const check = await publishFlow(linearFlow("Check", "messaging_background", [{ actions: [say("open tickets: @(count(contact.tickets))")] }]));
    expect((await call("POST", `/flows/${help.uuid}/start`, { contacts: [ana.uuid] })).status).toBe(200);
    await expect.poll(() => to(ana.tel).length).toBe(1);
    expect(to(ana.tel)[0]).toMatch(/^ticket=[0-9a-f-]{36}$/);
    expect((await call("POST", `/flows/${check.uuid}/start`, { contacts: [ana.uuid] })).status).toBe(200);
    await expect.poll(() => to(ana.tel)).toEqual([to(ana.tel)[0], "open tickets: 1"]);
  });

  it("opens no ticket for contacts started many at once (a start, or the API with several contacts)", { timeout: 60_000 }, async () => {
    const [ana, ben, cat] = [await contactOn(), await contactOn(), await contactOn()];
    const help = await helpFlow();
    const start = await startNow({ flow: help.uuid, audience: { contacts: [ana.uuid] } });
    await settled(start.uuid);
    expect((await call("POST", `/flows/${help.uuid}/start`, { contacts: [ben.uuid, cat.uuid] })).status).toBe(200);
    for (const c of [ana, ben, cat]) await expect.poll(() => to(c.tel)).toEqual(["ticket="]);
  });
});
