// Importing a RapidPro export keeps its triggers and campaigns (issue #12): they become Eddy
// triggers, and what can't be carried over is reported item by item (docs/triggers.md, "Imports").
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, contactObject, phone, twilioChannel, twilioOutbox } from "../contact/support";
import exported from "./fixtures/rapidpro-campaign-export.json";

const { sent } = twilioOutbox();
afterEach(() => vi.useRealTimers());

const REGISTRATION = "4b7f2a10-8c3e-4d5f-9a61-2e0b7c8d9f01";
const REMINDER = "4b7f2a10-8c3e-4d5f-9a61-2e0b7c8d9f02";
const GROUP = "c1e2d3f4-a5b6-4c7d-8e9f-0a1b2c3d4e01";

describe("POST /flows/import with campaigns and triggers", () => {
  it("turns triggers and campaign events into triggers, reports each one it can't, and a second import adds nothing", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2030-01-01T00:00:00Z"));
    const r = await call("POST", "/flows/import", exported);
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    const message = r.body.flows.find((f: { uuid: string }) => f.uuid !== REGISTRATION && f.uuid !== REMINDER);
    expect(message).toMatchObject({ name: "ANC Visits: 2W after Expected Delivery", created: true });
    const byItem = Object.fromEntries(r.body.triggers.map((t: { from: string }) => [t.from, t]));
    expect(Object.keys(byItem).sort()).toEqual(["campaigns.0.events.0", "campaigns.0.events.1", "campaigns.0.events.3", "triggers.0", "triggers.1", "triggers.2"]);
    expect(byItem["triggers.0"]).toMatchObject({ type: "keyword", flow: REGISTRATION, created: true });
    expect(byItem["triggers.2"]).toMatchObject({ type: "catch_all", flow: REGISTRATION, created: true });
    expect(byItem["campaigns.0.events.1"]).toMatchObject({ type: "date_relative", flow: message.uuid });
    expect(r.body.not_imported).toEqual([
      { part: "triggers", item: "triggers.3", reason: expect.stringContaining("missed-call") },
      { part: "triggers", item: "triggers.4", reason: expect.stringContaining("channel 0f1e2d3c-4b5a-4697-8877-665544332211 is not here") },
      { part: "campaigns", item: "campaigns.0.events.2", reason: expect.stringContaining("created_on") },
    ]);

    const keyword = (await call("GET", `/triggers/${byItem["triggers.0"].uuid}`)).body;
    expect(keyword).toMatchObject({ keywords: ["anc", "join"], match_type: "first_word", channel: null, params: null });
    // RapidPro's exclude_groups kept: not for contacts in the group.
    expect((await call("GET", `/triggers/${byItem["triggers.1"].uuid}`)).body).toMatchObject({ keywords: ["stopanc"], match_type: "only_word", params: { exclude_groups: [GROUP] } });
    const params = (item: string) => call("GET", `/triggers/${byItem[item].uuid}`).then((t) => t.body.params);
    // -1 day at 9; +2 weeks at 10 (a message: its own background flow); +3 hours, skipping contacts in a flow.
    expect(await params("campaigns.0.events.0")).toEqual({ field: "edd", relative: "before", amount: 1, unit: "days", time: "09:00", group: GROUP });
    expect(await params("campaigns.0.events.1")).toEqual({ field: "edd", relative: "after", amount: 14, unit: "days", time: "10:00", group: GROUP });
    expect(await params("campaigns.0.events.3")).toEqual({ field: "edd", relative: "after", amount: 3, unit: "hours", group: GROUP, interrupt: false });
    const draft = (await call("GET", `/flows/${message.uuid}`)).body;
    expect(draft).toMatchObject({ type: "messaging_background", problems: [] });
    expect(draft.definition.nodes[0].actions[0]).toMatchObject({ type: "send_msg", text: "Congratulations! Bring your baby for the 2-week check." });
    expect(Object.values(draft.definition.localization.fra)).toEqual([{ text: ["Félicitations ! Amenez votre bébé pour le contrôle des 2 semaines."] }]);

    const before = (await call("GET", "/triggers")).body.results.length;
    vi.setSystemTime(Date.parse("2030-01-01T00:01:00Z"));
    const again = await call("POST", "/flows/import", exported);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.triggers.every((t: { created: boolean }) => !t.created)).toBe(true);
    expect(again.body.triggers).toHaveLength(6);
    expect((await call("GET", "/triggers")).body.results).toHaveLength(before);
  });

  it("a contact in the campaign's group gets the campaign's message at its time, once the flows are published", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2030-01-01T00:00:00Z"));
    await twilioChannel();
    const r = await call("POST", "/flows/import", exported);
    const message = r.body.triggers.find((t: { from: string }) => t.from === "campaigns.0.events.1").flow;
    for (const flow of [REMINDER, message]) expect((await call("POST", `/flows/${flow}/publish`)).status).toBe(201);
    const contact = (await call("POST", "/contacts", { urns: [`tel:${phone()}`], name: "Amina", groups: [GROUP], fields: { edd: "2030-02-01T06:00:00Z" } })).body.uuid;
    const due = (await contactObject(contact).state()).timers.filter((t) => t.kind === "date_trigger").map((t) => t.due_at).sort();
    // 31 Jan 09:00, 1 Feb 09:00 (06:00 + 3 hours), 15 Feb 10:00.
    expect(due).toEqual(["2030-01-31T09:00:00Z", "2030-02-01T09:00:00Z", "2030-02-15T10:00:00Z"].map(Date.parse));
    vi.setSystemTime(Date.parse("2030-01-31T09:00:00Z"));
    await runDurableObjectAlarm(contactObject(contact));
    expect(sent.map((s) => s.body)).toEqual(["Your clinic visit is tomorrow, Amina."]);
    vi.setSystemTime(Date.parse("2030-02-01T09:00:00Z"));
    await runDurableObjectAlarm(contactObject(contact));
    vi.setSystemTime(Date.parse("2030-02-15T10:00:00Z"));
    await runDurableObjectAlarm(contactObject(contact));
    expect(sent.map((s) => s.body)).toEqual(["Your clinic visit is tomorrow, Amina.", "Your clinic visit is tomorrow, Amina.", "Congratulations! Bring your baby for the 2-week check."]);
    expect((await contactObject(contact).state()).timers.filter((t) => t.kind === "date_trigger")).toEqual([]);
  });

  it("an import plans the contacts who have the date already (through the queue)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse("2030-01-02T00:00:00Z"));
    const contact = (await call("POST", "/contacts", { urns: [`tel:${phone()}`], groups: [GROUP], fields: { edd: "2030-03-01T06:00:00Z" } })).body.uuid;
    const due = async () => (await contactObject(contact).state()).timers.filter((t) => t.kind === "date_trigger").map((t) => t.due_at);
    expect(await due()).toContain(Date.parse("2030-02-28T09:00:00Z"));
    // The same export with the first event 2 days before instead of 1.
    const moved = structuredClone(exported);
    moved.campaigns[0].events[0].offset = -2;
    vi.setSystemTime(Date.parse("2030-01-02T00:01:00Z"));
    expect((await call("POST", "/flows/import", moved)).status).toBe(200);
    vi.useRealTimers();
    for (let i = 0; i < 100 && !(await due()).includes(Date.parse("2030-02-27T09:00:00Z")); i++) await new Promise((r) => setTimeout(r, 100));
    expect((await due()).sort()).toEqual(["2030-02-27T09:00:00Z", "2030-03-01T09:00:00Z", "2030-03-15T10:00:00Z"].map(Date.parse));
  });
});
