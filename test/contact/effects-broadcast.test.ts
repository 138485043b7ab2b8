// A flow's send_broadcast, end to end: a Twilio webhook runs the flow, the contact gets its reply at
// once, and the alarm delivers the broadcast to every recipient through their own object, in their
// language, once each, even when the fan-out is repeated after a crash.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { fanOut } from "../../durable/contact/fanout";
import { call, contactByUrn, contactObject, keywordTrigger, linearFlow, messagesOf, phone, postTwilio, publishFlow, say, twilioChannel, twilioSms, twilioOutbox } from "./support";

const { sent } = twilioOutbox();

async function contact(body: Record<string, unknown>): Promise<{ uuid: string; tel: string }> {
  const tel = phone();
  const r = await call("POST", "/contacts", { urns: [`tel:${tel}`], ...body });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return { uuid: r.body.uuid, tel };
}

/** Runs the broadcaster's alarm until its fan-outs are finished (the runtime may also run it on its own). */
async function drain(uuid: string): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const state = await contactObject(uuid).state();
    if (state.fanouts.every((f) => f.state !== "pending")) return;
    await runDurableObjectAlarm(contactObject(uuid));
  }
  throw new Error("the fan-out did not finish");
}

describe("send_broadcast", () => {
  it("reaches contacts, URNs (new contacts made) and group members, each once, in their language", async () => {
    const channel = await twilioChannel();
    const group = (await call("POST", "/groups", { name: `Team ${crypto.randomUUID().slice(0, 6)}` })).body;
    const french = await contact({ name: "Benoît", language: "fra", groups: [group.uuid] });
    const member = await contact({ name: "Carla", groups: [group.uuid] });
    const named = await contact({ name: "Dan" });
    const stranger = phone();

    const action = crypto.randomUUID();
    const definition = {
      ...linearFlow("Broadcast", "messaging", [
        {
          actions: [
            {
              uuid: action,
              type: "send_broadcast",
              text: "Meeting at 5pm, says @contact.name",
              quick_replies: ["On my way"],
              contacts: [{ uuid: named.uuid, name: "Dan" }, { uuid: french.uuid, name: "Benoît" }],
              groups: [{ uuid: group.uuid, name: group.name }],
              urns: [`tel:${stranger}`],
            },
            say("Told the team"),
          ],
        },
      ]),
      localization: { fra: { [action]: { text: ["Réunion à 17h, dit @contact.name"] } } },
    };
    const flow = await publishFlow(definition);
    await keywordTrigger(flow.uuid, channel.uuid, "meet");

    const from = phone();
    await call("POST", "/contacts", { name: "Ana", urns: [`tel:${from}`] });
    expect((await postTwilio(channel.uuid, twilioSms(channel, from, "meet"))).status).toBe(200);
    // The contact's own reply does not wait for the broadcast.
    expect(sent.find((s) => s.to === from)?.body).toBe("Told the team");
    const ana = (await contactByUrn(`tel:${from}`))!;
    const [pending] = (await contactObject(ana).state()).fanouts;
    expect(pending).toMatchObject({ kind: "broadcast" });

    await drain(ana);
    const to = (tel: string) => sent.filter((s) => s.to === tel).map((s) => s.body);
    // SMS has no buttons: Twilio's provider writes the quick replies under the text.
    expect(to(french.tel)).toEqual(["Réunion à 17h, dit Ana\n\nOn my way"]);
    expect(to(member.tel)).toEqual(["Meeting at 5pm, says Ana\n\nOn my way"]);
    expect(to(named.tel)).toEqual(["Meeting at 5pm, says Ana\n\nOn my way"]);
    expect(to(stranger)).toEqual(["Meeting at 5pm, says Ana\n\nOn my way"]);
    expect(sent).toHaveLength(5);
    const [done] = (await contactObject(ana).state()).fanouts;
    expect(done).toMatchObject({ state: "done", targets: { sent: 4 } });

    // Each recipient's object wrote its message to D1; the stranger is a new contact.
    const newcomer = (await contactByUrn(`tel:${stranger}`))!;
    expect(newcomer).toBeTruthy();
    for (const uuid of [french.uuid, member.uuid, named.uuid, newcomer]) {
      // The quick replies (goflow's objects in the broadcast) reach each message as their texts.
      expect((await messagesOf(uuid)).map((m) => [m.direction, m.status, m.flow_uuid, JSON.parse(m.quick_replies)])).toEqual([["out", "wired", null, ["On my way"]]]);
    }

    // A fan-out that died before writing its outcomes down calls everyone again: nobody gets it twice.
    await runInDurableObject(contactObject(ana), async (_, state) => {
      state.storage.sql.exec("UPDATE fanout_targets SET state = 'pending', attempts = 0");
      state.storage.sql.exec("UPDATE fanouts SET state = 'pending', next_attempt_at = ?", Date.now());
      await state.storage.setAlarm(Date.now());
    });
    await drain(ana);
    expect(sent).toHaveLength(5);
    expect((await contactObject(ana).state()).fanouts[0]).toMatchObject({ state: "done", targets: { sent: 4 } });
  });

  it("pages through a large group in bounded steps, recording who could not be sent to", async () => {
    const channel = await twilioChannel();
    const group = (await call("POST", "/groups", { name: `Big ${crypto.randomUUID().slice(0, 6)}` })).body;
    const members = await Promise.all(Array.from({ length: 30 }, (_, i) => contact({ name: `M${i}`, groups: [group.uuid] })));
    const noUrn = (await call("POST", "/contacts", { name: "Nowhere", groups: [group.uuid] })).body.uuid;
    const flow = await publishFlow(linearFlow("Big broadcast", "messaging", [{ actions: [{ type: "send_broadcast", text: "Hello all", groups: [{ uuid: group.uuid, name: group.name }] }] }]));
    await keywordTrigger(flow.uuid, channel.uuid, "all");
    const from = phone();
    await postTwilio(channel.uuid, twilioSms(channel, from, "all"));
    const ana = (await contactByUrn(`tel:${from}`))!;

    const saved = { ...fanOut };
    Object.assign(fanOut, { batch: 7, page: 10 });
    try {
      await drain(ana);
    } finally {
      Object.assign(fanOut, saved);
    }
    expect(new Set(sent.map((s) => s.to))).toEqual(new Set(members.map((m) => m.tel)));
    expect(sent).toHaveLength(30);
    const [done] = (await contactObject(ana).state()).fanouts;
    expect(done).toMatchObject({ state: "done", targets: { sent: 30, failed: 1 } });
    expect(noUrn).toBeTruthy();
    // Thirty contacts made through the API: slow on a busy machine.
  }, 30_000);

  it("goes on past pages of inactive members, to the end of the group", async () => {
    const channel = await twilioChannel();
    const group = (await call("POST", "/groups", { name: `Mixed ${crypto.randomUUID().slice(0, 6)}` })).body;
    const members = (await Promise.all(Array.from({ length: 24 }, (_, i) => contact({ name: `X${i}`, groups: [group.uuid] })))).sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
    // Members 3 to 16 in UUID order are stopped: more than a page of them in a row.
    const stopped = members.slice(3, 17);
    for (const m of stopped) await env.DB.prepare("UPDATE contacts SET status = 'stopped' WHERE uuid = ?").bind(m.uuid).run();
    const flow = await publishFlow(linearFlow("Mixed broadcast", "messaging", [{ actions: [{ type: "send_broadcast", text: "Hello some", groups: [{ uuid: group.uuid, name: group.name }] }] }]));
    await keywordTrigger(flow.uuid, channel.uuid, "some");
    const from = phone();
    await postTwilio(channel.uuid, twilioSms(channel, from, "some"));
    const ana = (await contactByUrn(`tel:${from}`))!;

    const saved = { ...fanOut };
    Object.assign(fanOut, { batch: 3, page: 5 });
    try {
      await drain(ana);
    } finally {
      Object.assign(fanOut, saved);
    }
    const active = members.filter((m) => !stopped.includes(m));
    expect(new Set(sent.map((s) => s.to))).toEqual(new Set(active.map((m) => m.tel)));
    expect(sent).toHaveLength(10);
    expect((await contactObject(ana).state()).fanouts[0]).toMatchObject({ state: "done", targets: { sent: 10 } });
    // Thirty contacts made through the API: slow on a busy machine.
  }, 30_000);
});
