// A flow's start_session, end to end: a Twilio webhook runs the parent flow, the contact gets its
// reply at once, the alarm records a start that its coordinator fans out, and each started
// session's @parent is the run that started it.
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { runsOf, settled } from "../starts/support";
import { call, contactByUrn, contactObject, keywordTrigger, linearFlow, phone, postTwilio, publishFlow, say, twilioChannel, twilioSms, twilioOutbox } from "./support";

const { sent } = twilioOutbox();

const to = (tel: string) => sent.filter((s) => s.to === tel).map((s) => s.body);

async function contact(body: Record<string, unknown>): Promise<{ uuid: string; tel: string }> {
  const tel = phone();
  const r = await call("POST", "/contacts", { urns: [`tel:${tel}`], ...body });
  if (r.status !== 201) throw new Error(JSON.stringify(r.body));
  return { uuid: r.body.uuid, tel };
}

/** Runs the contact's alarm until its fan-outs are carried out; returns them. */
async function drain(uuid: string) {
  for (let i = 0; i < 20; i++) {
    const state = await contactObject(uuid).state();
    if (state.fanouts.every((f) => f.state !== "pending")) return state.fanouts;
    await runDurableObjectAlarm(contactObject(uuid));
  }
  throw new Error("the fan-out did not finish");
}

/** A parent flow: its keyword's message is the "Reply" result (a msg trigger answers the first wait), then start_session. */
async function parentFlow(channel: string, keyword: string, startSession: Record<string, unknown>) {
  const child = await publishFlow(linearFlow("Welcome", "messaging", [{ actions: [say("Welcome! @parent.contact.name invited you: @parent.results.reply")] }]));
  const parent = await publishFlow(linearFlow("Refer", "messaging", [{ actions: [], wait: true }, { actions: [{ type: "start_session", flow: { uuid: child.uuid, name: child.name }, ...startSession }, say("Inviting them")] }]));
  await keywordTrigger(parent.uuid, channel, keyword);
  return { child, parent };
}

/** Ana writes the keyword; returns her UUID and the start her flow made, once its coordinator is done. */
async function refer(channel: { uuid: string; address: string }, text: string) {
  const from = phone();
  await call("POST", "/contacts", { name: "Ana", urns: [`tel:${from}`] });
  expect((await postTwilio(channel.uuid, twilioSms(channel, from, text))).status).toBe(200);
  // Her own reply does not wait for the others.
  expect(to(from)).toEqual(["Inviting them"]);
  const ana = (await contactByUrn(`tel:${from}`))!;
  const [fanout] = await drain(ana);
  expect(fanout).toMatchObject({ kind: "start", state: "done" });
  return { ana, start: await settled(fanout.uuid) };
}

describe("start_session", () => {
  it("starts the flow for contacts, URNs (new contacts made) and group members, with the parent run as @parent", async () => {
    const channel = await twilioChannel();
    const group = (await call("POST", "/groups", { name: `Friends ${crypto.randomUUID().slice(0, 6)}` })).body;
    const member = await contact({ name: "Carla", groups: [group.uuid] });
    const named = await contact({ name: "Dan" });
    const stranger = phone();
    const { child } = await parentFlow(channel.uuid, "refer", { contacts: [{ uuid: named.uuid, name: "Dan" }], urns: [`tel:${stranger}`], groups: [{ uuid: group.uuid, name: group.name }] });

    const { ana, start } = await refer(channel, "refer my friends");
    expect(start).toMatchObject({ status: "completed", progress: { targeted: 3, started: 3, failed: 0 } });
    for (const tel of [member.tel, named.tel, stranger]) expect(to(tel)).toEqual(["Welcome! Ana invited you: refer my friends"]);
    const newcomer = (await contactByUrn(`tel:${stranger}`))!;
    for (const uuid of [member.uuid, named.uuid, newcomer]) {
      expect((await runsOf(uuid)).map((r) => [r.flow_uuid, r.status])).toEqual([[child.uuid, "completed"]]);
    }
    // The triggering contact was not started in the child flow.
    expect((await runsOf(ana)).map((r) => r.flow_uuid)).not.toContain(child.uuid);
  });

  it("skips contacts already in a flow when the action excludes them, and interrupts them when it doesn't", async () => {
    const channel = await twilioChannel();
    const busyFlow = await publishFlow(linearFlow("Busy", "messaging", [{ actions: [say("Are you busy?")], wait: true }, { actions: [say("ok")] }]));
    const busy = await contact({ name: "Busy" });
    const free = await contact({ name: "Free" });
    expect((await call("POST", `/flows/${busyFlow.uuid}/start`, { contacts: [busy.uuid] })).body).toMatchObject({ started: 1 });

    const contacts = [busy, free].map((c) => ({ uuid: c.uuid }));
    await parentFlow(channel.uuid, "gently", { contacts, exclusions: { in_a_flow: true } });
    const excluded = await refer(channel, "gently");
    expect(excluded.start.progress).toMatchObject({ targeted: 2, started: 1, skipped: { in_flow: 1 } });
    expect(to(busy.tel)).toEqual(["Are you busy?"]);
    expect((await contactObject(busy.uuid).state()).session).toMatchObject({ flow: { uuid: busyFlow.uuid } });

    const { child } = await parentFlow(channel.uuid, "firmly", { contacts });
    const firm = await refer(channel, "firmly");
    expect(firm.start.progress).toMatchObject({ targeted: 2, started: 2 });
    expect(to(busy.tel)).toEqual(["Are you busy?", "Welcome! Ana invited you: firmly"]);
    expect((await runsOf(busy.uuid)).map((r) => [r.flow_uuid, r.status])).toEqual([
      [busyFlow.uuid, "interrupted"],
      [child.uuid, "completed"],
    ]);
  });

  it("gives the started flow the variables start_session passes, in place of its defaults", async () => {
    const channel = await twilioChannel();
    const friend = await contact({ name: "Dan" });
    const child = await publishFlow({
      ...linearFlow("Offer", "messaging", [{ actions: [say("Your voucher: @vars.amount, code @vars.code")] }]),
      variables: [
        { name: "amount", type: "decimal", default: "1" },
        { name: "code", type: "text", default: "NONE" },
      ],
    });
    const parent = await publishFlow(linearFlow("Gift", "messaging", [{ actions: [], wait: true }, { actions: [{ type: "start_session", flow: { uuid: child.uuid, name: child.name }, contacts: [{ uuid: friend.uuid }], variables: { amount: "@(2 + 3)" } }, say("Inviting them")] }]));
    await keywordTrigger(parent.uuid, channel.uuid, "gift");
    const { start } = await refer(channel, "gift");
    expect(start.progress).toMatchObject({ targeted: 1, started: 1 });
    // The amount passed, the code's default.
    expect(to(friend.tel)).toEqual(["Your voucher: 5, code NONE"]);
  });

  it("with create_contact, starts a new contact in the flow", async () => {
    const channel = await twilioChannel();
    const { child } = await parentFlow(channel.uuid, "newbie", { create_contact: true });
    const { start } = await refer(channel, "newbie");
    expect(start.progress).toMatchObject({ targeted: 1, started: 1 });
    // Its run is written behind (docs/contact-session.md): it appears in D1 a moment later.
    const runs = await vi.waitFor(
      async () => {
        const found = await env.DB.prepare("SELECT contact_uuid, status FROM runs WHERE flow_uuid = ?").bind(child.uuid).all<{ contact_uuid: string; status: string }>();
        expect(found.results).toHaveLength(1);
        return found;
      },
      { timeout: 10_000, interval: 50 },
    );
    const created = (await call("GET", `/contacts/${runs.results[0].contact_uuid}`)).body;
    expect(created).toMatchObject({ status: "active", urns: [] });
  });
});
