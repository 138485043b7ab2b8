// Triggers through their public entry points (channel webhooks, the API), and the order in which
// an inbound message is routed (docs/triggers.md). Every trigger here is for its own channel,
// group or event name, so tests don't see each other's.
import { describe, expect, it } from "vitest";
import { call, contactByUrn, linearFlow, messagesOf, phone, postTwilio, publishFlow, runsOf, say, twilioChannel, twilioOutbox, twilioSms, unique } from "../contact/support";

const { sent } = twilioOutbox();

const texts = () => sent.map((s) => s.body);

async function trigger(body: Record<string, unknown>): Promise<string> {
  const r = await call("POST", "/triggers", body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.uuid;
}

/** A channel, and a sender on it whose messages are posted as Twilio's webhook. */
async function sender(channel?: { uuid: string; address: string }) {
  const ch = channel ?? (await twilioChannel());
  const from = phone();
  const say = (text: string) => postTwilio(ch.uuid, twilioSms(ch, from, text));
  return { channel: ch, from, say, contact: async () => (await contactByUrn(`tel:${from}`))! };
}

const flowSaying = (name: string, text: string) => publishFlow(linearFlow(name, "messaging", [{ actions: [say(text)] }]));
const waitingFlow = (name: string) => publishFlow(linearFlow(name, "messaging", [{ actions: [say(`${name}?`)], wait: true }, { actions: [say(`${name} got @input.text`)] }]));

describe("each trigger starts its flow", () => {
  it("keyword: first word or only word, on its channel only", async () => {
    const first = await flowSaying("First", "first word flow");
    const only = await flowSaying("Only", "only word flow");
    const s = await sender();
    await trigger({ type: "keyword", flow: first.uuid, channel: s.channel.uuid, keywords: ["join"], match_type: "first_word" });
    await trigger({ type: "keyword", flow: only.uuid, channel: s.channel.uuid, keywords: ["stop"], match_type: "only_word" });
    await s.say("Join us");
    await s.say("stop now"); // not only the word: no match
    await s.say("STOP");
    const other = await sender();
    await other.say("join"); // another channel: no match
    expect(texts()).toEqual(["first word flow", "only word flow"]);
  });

  it("catch-all: a message nothing else takes", async () => {
    const s = await sender();
    const fallback = await flowSaying("Fallback", "catch all");
    await s.say("first"); // no trigger yet: only logged
    await trigger({ type: "catch_all", flow: fallback.uuid, channel: s.channel.uuid });
    await s.say("anything");
    expect(texts()).toEqual(["catch all"]);
  });

  it("new conversation: the contact's first message on a channel, on each channel once", async () => {
    const welcome = await flowSaying("Welcome", "welcome @input.text");
    const welcomeB = await flowSaying("WelcomeB", "welcome to B");
    const a = await sender();
    const b = await twilioChannel();
    await trigger({ type: "new_conversation", flow: welcome.uuid, channel: a.channel.uuid });
    await trigger({ type: "new_conversation", flow: welcomeB.uuid, channel: b.uuid });
    await a.say("hello");
    await a.say("hello again");
    // The same contact (same number) writes on channel B for the first time.
    await postTwilio(b.uuid, twilioSms(b, a.from, "hi B"));
    await postTwilio(b.uuid, twilioSms(b, a.from, "hi B again"));
    expect(texts()).toEqual(["welcome hello", "welcome to B"]);
    const runs = await runsOf(await a.contact());
    expect(runs.map((r) => r.flow_uuid)).toEqual([welcome.uuid, welcomeB.uuid]);
  });

  it("joined group: by the group members API, contact create and update, and a flow's add_contact_groups", async () => {
    const ch = await twilioChannel();
    const group = (await call("POST", "/groups", { name: `Joiners ${unique()}` })).body;
    const joined = await publishFlow(linearFlow("Joined", "messaging_background", [{ actions: [say("welcome to @trigger.params.group.name")] }]));
    await trigger({ type: "joined_group", flow: joined.uuid, group: group.uuid });
    const urn = () => `tel:${phone()}`;
    // Contacts reached through the channel by scheme.
    const viaMembers = (await call("POST", "/contacts", { urns: [urn()] })).body.uuid;
    const viaCreate = (await call("POST", "/contacts", { urns: [urn()], groups: [group.uuid] })).body.uuid;
    const viaUpdate = (await call("POST", "/contacts", { urns: [urn()] })).body.uuid;
    const viaFlow = (await call("POST", "/contacts", { urns: [urn()] })).body.uuid;

    expect((await call("POST", `/groups/${group.uuid}/members`, { contacts: [viaMembers] })).status).toBe(200);
    expect((await call("POST", `/groups/${group.uuid}/members`, { contacts: [viaMembers] })).status).toBe(200); // already in: nothing
    expect((await call("PATCH", `/contacts/${viaUpdate}`, { groups: [group.uuid] })).status).toBe(200);
    expect((await call("PATCH", `/contacts/${viaUpdate}`, { groups: [group.uuid], name: "Still in" })).status).toBe(200); // no new membership
    const adder = await publishFlow(linearFlow("Adder", "messaging", [{ actions: [{ type: "add_contact_groups", groups: [{ uuid: group.uuid, name: group.name }] }] }]));
    expect((await call("POST", `/flows/${adder.uuid}/start`, { contacts: [viaFlow] })).body).toMatchObject({ started: 1 });

    for (const contact of [viaMembers, viaCreate, viaUpdate, viaFlow]) {
      const runs = (await runsOf(contact)).filter((r) => r.flow_uuid === joined.uuid);
      expect(runs, contact).toHaveLength(1);
      expect((await messagesOf(contact)).map((m) => m.text)).toContain(`welcome to ${group.name}`);
    }
    expect(sent).toHaveLength(4);
    expect(ch).toBeTruthy();
  });

  it("event: an event whose name a trigger names starts its flow, with the event in @trigger.params", async () => {
    const s = await sender();
    await s.say("hi");
    const contact = await s.contact();
    const name = `order_placed_${unique()}`;
    const flow = await publishFlow(linearFlow("Ordered", "messaging_background", [{ actions: [say("thanks for order @trigger.params.event.properties.order")] }]));
    await trigger({ type: "event", flow: flow.uuid, event: name });
    expect((await call("POST", "/events", { contact, name: "something_else", properties: {} })).status).toBe(202);
    expect((await call("POST", "/events", [{ contact, name, properties: { order: "A-17" } }])).status).toBe(202);
    expect(texts()).toEqual(["thanks for order A-17"]);
    expect((await runsOf(contact)).map((r) => [r.flow_uuid, r.status])).toEqual([[flow.uuid, "completed"]]);
  });

  it("event with conditions: only an event whose properties meet them all starts the flow (Moments' real-time event entry)", async () => {
    const s = await sender();
    await s.say("hi");
    const contact = await s.contact();
    const name = `cart_abandoned_${unique()}`;
    const flow = await publishFlow(linearFlow("Cart", "messaging_background", [{ actions: [say("your cart of @trigger.params.event.properties.total is waiting")] }]));
    const conditions = [
      { property: "total", operator: "greater_or_equal", value: "50" },
      { property: "country", operator: "is", value: "rw" },
    ];
    const t = await trigger({ type: "event", flow: flow.uuid, event: name, params: { conditions } });
    expect((await call("GET", `/triggers/${t}`)).body.params).toEqual({ conditions });
    const post = (properties: Record<string, unknown>) => call("POST", "/events", { contact, name, properties });
    expect((await post({ total: 20, country: "RW" })).status).toBe(202); // too small
    expect((await post({ total: 80 })).status).toBe(202); // no country
    expect((await post({ total: "75", country: "RW" })).status).toBe(202);
    expect(texts()).toEqual(["your cart of 75 is waiting"]);
    const bad = await call("POST", "/triggers", { type: "event", flow: flow.uuid, event: name, params: { conditions: [{ property: "total", operator: "bigger", value: "1" }] } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.issues)).toContain("params.conditions.0.operator");
  });

  it("groups and exclude_groups: a keyword or catch-all trigger only for some contacts (RapidPro's trigger groups)", async () => {
    const s = await sender();
    const members = (await call("POST", "/groups", { name: `Members ${unique()}` })).body.uuid;
    const smart = (await call("POST", "/groups", { name: `Smart ${unique()}`, query: `language = "fra"` })).body.uuid;
    const club = await flowSaying("Club", "club news");
    const fallback = await flowSaying("Outsiders", "not for members");
    await trigger({ type: "keyword", flow: club.uuid, channel: s.channel.uuid, keywords: ["news"], match_type: "first_word", params: { groups: [members] } });
    await trigger({ type: "catch_all", flow: fallback.uuid, channel: s.channel.uuid, params: { exclude_groups: [members] } });
    await s.say("news please"); // not a member yet: the keyword is not for them, the catch-all is
    expect((await call("POST", `/groups/${members}/members`, { contacts: [await s.contact()] })).status).toBe(200);
    await s.say("news please");
    await s.say("anything else"); // a member: the catch-all excludes them
    expect(texts()).toEqual(["not for members", "club news"]);
    const refused = await call("POST", "/triggers", { type: "catch_all", flow: fallback.uuid, params: { groups: [smart] } });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.issues)).toContain("params.groups.0");
  });

  it("schedule: refused with a 422 that points at /schedules", async () => {
    const flow = await flowSaying("Scheduled", "hi");
    const r = await call("POST", "/triggers", { type: "schedule", flow: flow.uuid, params: { cron: "0 9 * * 1" } });
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ error: "use_schedules", issues: [{ path: "type" }] });
    expect(r.body.message).toContain("/api/v1/schedules");
  });

  it("date-relative: params it can't carry out are refused, storing nothing (the trigger itself: date-relative.test.ts)", async () => {
    const flow = await flowSaying("Birthday", "happy birthday");
    const r = await call("POST", "/triggers", { type: "date_relative", flow: flow.uuid, params: { field: "birthday", offset_days: 0 } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.issues)).toContain("params");
    expect((await call("GET", `/triggers?flow=${flow.uuid}`)).body.results).toEqual([]);
  });

  // A joined-group trigger on a smart group: test/groups/smart.test.ts.
});

describe("the order an inbound message is routed in", () => {
  it("a keyword wins over the waiting session (unless the waiting flow ignores keywords)", async () => {
    const s = await sender();
    await s.say("hi");
    const contact = await s.contact();
    const keyword = await flowSaying("Kw", "keyword flow");
    const waiting = await waitingFlow("Waiting");
    const deaf = await publishFlow(linearFlow("Deaf", "messaging", [{ actions: [], wait: true }, { actions: [say("deaf got @input.text")] }]), { ignore_keywords: true });
    await trigger({ type: "keyword", flow: keyword.uuid, channel: s.channel.uuid, keywords: ["go"], match_type: "first_word" });
    await call("POST", `/flows/${waiting.uuid}/start`, { contacts: [contact] });
    await s.say("go");
    await call("POST", `/flows/${deaf.uuid}/start`, { contacts: [contact] });
    await s.say("go");
    expect(texts()).toEqual(["Waiting?", "keyword flow", "deaf got go"]);
  });

  it("a keyword wins over a new conversation", async () => {
    const s = await sender();
    const keyword = await flowSaying("Kw", "keyword flow");
    const welcome = await flowSaying("Welcome", "welcome");
    await trigger({ type: "keyword", flow: keyword.uuid, channel: s.channel.uuid, keywords: ["go"], match_type: "only_word" });
    await trigger({ type: "new_conversation", flow: welcome.uuid, channel: s.channel.uuid });
    await s.say("go");
    expect(texts()).toEqual(["keyword flow"]);
  });

  it("the waiting session wins over a new conversation: a first reply to a flow we started is a reply", async () => {
    const ch = await twilioChannel();
    const welcome = await flowSaying("Welcome", "welcome");
    await trigger({ type: "new_conversation", flow: welcome.uuid, channel: ch.uuid });
    const waiting = await waitingFlow("Survey");
    const from = phone();
    const contact = (await call("POST", "/contacts", { urns: [`tel:${from}`] })).body.uuid;
    await call("POST", `/flows/${waiting.uuid}/start`, { contacts: [contact] });
    await postTwilio(ch.uuid, twilioSms(ch, from, "blue"));
    expect(texts()).toEqual(["Survey?", "Survey got blue"]);
  });

  it("a new conversation wins over the catch-all, which then takes the messages after it", async () => {
    const s = await sender();
    const welcome = await flowSaying("Welcome", "welcome");
    const fallback = await flowSaying("Fallback", "catch all");
    await trigger({ type: "new_conversation", flow: welcome.uuid, channel: s.channel.uuid });
    await trigger({ type: "catch_all", flow: fallback.uuid, channel: s.channel.uuid });
    await s.say("hello");
    await s.say("hello?");
    expect(texts()).toEqual(["welcome", "catch all"]);
  });

  it("with no trigger and no waiting session a message is only logged", async () => {
    const s = await sender();
    await s.say("anyone?");
    expect(texts()).toEqual([]);
    expect((await messagesOf(await s.contact())).map((m) => [m.direction, m.status, m.flow_uuid])).toEqual([["in", "handled", null]]);
  });

  it("a keyword whose flow's entry rules refuse the contact falls through to the waiting session, then the catch-all", async () => {
    const s = await sender();
    await s.say("hi");
    const contact = await s.contact();
    const once = await flowSaying("Once", "once only");
    const fallback = await flowSaying("Fallback", "catch all got @input.text");
    const waiting = await waitingFlow("Waiting");
    await call("PATCH", `/flows/${once.uuid}`, { entry_rules: { allow_reentry: false } });
    await trigger({ type: "keyword", flow: once.uuid, channel: s.channel.uuid, keywords: ["once"], match_type: "first_word" });
    await trigger({ type: "catch_all", flow: fallback.uuid, channel: s.channel.uuid });
    await s.say("once");
    await s.say("once more"); // refused: no waiting session, so the catch-all
    await call("POST", `/flows/${waiting.uuid}/start`, { contacts: [contact] });
    await s.say("once again"); // refused: the waiting session takes it
    expect(texts()).toEqual(["once only", "catch all got once more", "Waiting?", "Waiting got once again"]);
    expect((await messagesOf(contact)).filter((m) => m.direction === "in").map((m) => m.flow_uuid)).toEqual([null, once.uuid, fallback.uuid, waiting.uuid]);
  });
});
