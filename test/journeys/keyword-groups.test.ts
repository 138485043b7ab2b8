// A keyword shared by triggers for different groups (RapidPro's group-restricted keyword triggers;
// docs/triggers.md, "Groups on message triggers"): made through the API and by an import, and each
// contact's message starts the flow of the trigger for its groups.
import { beforeAll, describe, expect, it } from "vitest";
import { uniqueWord } from "../api/helpers";
import { call, linearFlow, phone, postTwilio, publishFlow, runsOf, say, twilioChannel, twilioOutbox, twilioSms } from "../contact/support";

const { sent } = twilioOutbox();
let channel: { uuid: string; address: string };
beforeAll(async () => {
  channel = await twilioChannel();
});

const group = async () => (await call("POST", "/groups", { name: `G ${crypto.randomUUID().slice(0, 8)}` })).body.uuid as string;
const flowSaying = (text: string) => publishFlow(linearFlow(`Says ${text}`, "messaging", [{ actions: [say(text)] }]));
const keyword = (flow: string, word: string, groups?: string[]) =>
  call("POST", "/triggers", { type: "keyword", flow, channel: channel.uuid, keywords: [word], match_type: "first_word", ...(groups ? { params: { groups } } : {}) });

describe("a keyword shared by triggers for different groups", { timeout: 90_000 }, () => {
  it("is allowed for groups with no member in common, refused when two triggers would take the same contact's message", async () => {
    const [a, b, c] = [await group(), await group(), await group()];
    const flow = (await flowSaying("x")).uuid;
    const word = uniqueWord();
    expect((await keyword(flow, word, [a])).status).toBe(201);
    expect((await keyword(flow, word, [b])).status).toBe(201);
    // Group a again (with c): both would take a member of a.
    const clash = await keyword(flow, word, [c, a]);
    expect(clash.status).toBe(409);
    expect(clash.body.issues[0]).toMatchObject({ path: "keywords.0" });
    // One for everybody else, but only one.
    expect((await keyword(flow, word)).status).toBe(201);
    expect((await keyword(flow, word)).status).toBe(409);
  });

  it("starts, for each contact, the flow of the trigger for its groups; a contact in none gets the trigger without groups", async () => {
    const [a, b] = [await group(), await group()];
    const word = uniqueWord();
    const [fa, fb, fall] = [await flowSaying("for group a"), await flowSaying("for group b"), await flowSaying("for everybody")];
    // The one without groups made first: the group's trigger still wins for its members.
    expect((await keyword(fall.uuid, word)).status).toBe(201);
    expect((await keyword(fa.uuid, word, [a])).status).toBe(201);
    expect((await keyword(fb.uuid, word, [b])).status).toBe(201);
    const contact = async (groups: string[]) => {
      const urn = phone();
      const r = await call("POST", "/contacts", { urns: [`tel:${urn}`], groups });
      expect(r.status).toBe(201);
      return { uuid: r.body.uuid as string, urn };
    };
    const [inA, inB, inNone] = [await contact([a]), await contact([b]), await contact([])];
    for (const who of [inA, inB, inNone]) expect((await postTwilio(channel.uuid, twilioSms(channel, who.urn, `${word} please`))).status).toBe(200);
    const textTo = (urn: string) => sent.filter((m) => m.to === urn).map((m) => m.body);
    await expect.poll(() => [inA, inB, inNone].map((w) => textTo(w.urn)), { timeout: 20_000, interval: 200 }).toEqual([["for group a"], ["for group b"], ["for everybody"]]);
    expect((await runsOf(inA.uuid)).map((r) => r.flow_uuid)).toEqual([fa.uuid]);
  });

  it("catch-all triggers too: one per channel and groups, the contact's groups' first", async () => {
    const own = await twilioChannel();
    const [a, b] = [await group(), await group()];
    const [fa, fall] = [await flowSaying("catch-all for a"), await flowSaying("catch-all for the rest")];
    const catchAll = (flow: string, groups?: string[]) => call("POST", "/triggers", { type: "catch_all", flow, channel: own.uuid, ...(groups ? { params: { groups } } : {}) });
    expect((await catchAll(fall.uuid)).status).toBe(201);
    expect((await catchAll(fa.uuid, [a])).status).toBe(201);
    expect((await catchAll(fa.uuid, [b, a])).status).toBe(409);
    expect((await catchAll(fall.uuid)).status).toBe(409);
    const inA = phone();
    const other = phone();
    expect((await call("POST", "/contacts", { urns: [`tel:${inA}`], groups: [a] })).status).toBe(201);
    for (const urn of [inA, other]) expect((await postTwilio(own.uuid, twilioSms(own, urn, "hello there"))).status).toBe(200);
    const textTo = (urn: string) => sent.filter((m) => m.to === urn).map((m) => m.body);
    await expect.poll(() => [textTo(inA), textTo(other)], { timeout: 20_000, interval: 200 }).toEqual([["catch-all for a"], ["catch-all for the rest"]]);
  });

  it("an import keeps two RapidPro triggers sharing a keyword for different groups, and reports one whose groups overlap", async () => {
    const word = uniqueWord();
    const flow = crypto.randomUUID();
    const [g1, g2] = [crypto.randomUUID(), crypto.randomUUID()];
    const g = (uuid: string, name: string) => ({ uuid, name: `${name} ${uuid.slice(0, 8)}` });
    const trigger = (groups: { uuid: string; name: string }[]) => ({ trigger_type: "K", keywords: [word], match_type: "F", flow: { uuid: flow, name: "Join" }, groups, exclude_groups: [], channel: null });
    const exported = {
      version: "13",
      site: "https://app.rapidpro.io",
      flows: [{ ...linearFlow("Join", "messaging", [{ actions: [say("hi")] }]), uuid: flow, name: "Join" }],
      fields: [],
      groups: [{ ...g(g1, "Mothers"), query: null }, { ...g(g2, "Fathers"), query: null }],
      campaigns: [],
      triggers: [trigger([g(g1, "Mothers")]), trigger([g(g2, "Fathers")]), trigger([g(g2, "Fathers"), g(g1, "Mothers")])],
    };
    const r = await call("POST", "/flows/import", exported);
    expect(r.status).toBe(200);
    expect(r.body.triggers.filter((t: { type: string }) => t.type === "keyword").map((t: { from: string; created: boolean }) => [t.from, t.created])).toEqual([
      ["triggers.0", true],
      ["triggers.1", true],
    ]);
    expect(r.body.not_imported).toEqual([{ part: "triggers", item: "triggers.2", reason: expect.stringContaining(`keyword "${word}" already starts a flow`) }]);
  });
});
