// An imported RapidPro campaign whose flow is still a draft when a contact's event falls due
// (docs/triggers.md, "Date-relative triggers"): the fire is held and starts when the flow is first
// published, up to a day late; held longer, it is dropped as a due time already past.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, contactObject, phone, twilioChannel, twilioOutbox } from "../contact/support";
import exported from "../api/fixtures/rapidpro-campaign-export.json";

const { sent } = twilioOutbox();
afterEach(() => vi.useRealTimers());

const REMINDER = "4b7f2a10-8c3e-4d5f-9a61-2e0b7c8d9f02";
const GROUP = "c1e2d3f4-a5b6-4c7d-8e9f-0a1b2c3d4e01";

/** The fixture with every UUID made new, so each test imports flows, groups and triggers of its own. */
function freshExport(): { export: typeof exported; uuid: (old: string) => string } {
  const map = new Map<string, string>();
  const text = JSON.stringify(exported).replaceAll("Pregnant Women", `Pregnant Women ${crypto.randomUUID().slice(0, 8)}`).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (u) => {
    if (!map.has(u)) map.set(u, crypto.randomUUID());
    return map.get(u)!;
  });
  return { export: JSON.parse(text), uuid: (old) => map.get(old)! };
}

const dateTimers = async (contact: string) => (await contactObject(contact).state()).timers.filter((t) => t.kind === "date_trigger");

/** Imports the campaign (its flows drafts) and makes a contact whose "1 day before at 09:00" reminder is due at 2031-01-10 09:00. */
async function campaignContact() {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(Date.parse("2031-01-01T00:00:00Z"));
  await twilioChannel();
  const fresh = freshExport();
  const imported = await call("POST", "/flows/import", fresh.export);
  expect(imported.status, JSON.stringify(imported.body)).toBe(200);
  const number = phone();
  const made = await call("POST", "/contacts", { urns: [`tel:${number}`], name: "Amina", groups: [fresh.uuid(GROUP)], fields: { edd: "2031-01-11T06:00:00Z" } });
  expect(made.status).toBe(201);
  const contact = made.body.uuid as string;
  expect((await dateTimers(contact)).map((t) => t.due_at)).toContain(Date.parse("2031-01-10T09:00:00Z"));
  // Other tests' contacts have the date too (and publishing plans them all): count this one's messages.
  const texts = () => sent.filter((m) => m.to === number).map((m) => m.body);
  return { contact, reminder: fresh.uuid(REMINDER), texts };
}

/** Publishing plans the trigger's contacts through the queue: waits until no held fire waits any more (it is due, or done), or `ms`. */
async function untilHeldIsDue(contact: string, ms = 20_000) {
  for (let waited = 0; waited < ms; waited += 200) {
    if (!(await dateTimers(contact)).some((t) => t.due_at === null && JSON.parse(t.payload ?? "{}").held !== undefined)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

describe("a campaign event due before its flow is published", { timeout: 90_000 }, () => {
  it("waits for the publication, and the reminder goes out when the flow is published the same day", async () => {
    const { contact, reminder, texts } = await campaignContact();
    vi.setSystemTime(Date.parse("2031-01-10T09:00:00Z"));
    await runDurableObjectAlarm(contactObject(contact));
    expect(texts()).toEqual([]);
    // Held, not dropped: the timer stays, waiting (no due time) for the flow.
    const held = (await dateTimers(contact)).find((t) => JSON.parse(t.payload ?? "{}").held === Date.parse("2031-01-10T09:00:00Z"));
    expect(held).toMatchObject({ due_at: null });

    vi.setSystemTime(Date.parse("2031-01-10T15:00:00Z"));
    expect((await call("POST", `/flows/${reminder}/publish`)).status).toBe(201);
    expect(await untilHeldIsDue(contact)).toBe(true);
    await runDurableObjectAlarm(contactObject(contact));
    expect(texts()).toEqual(["Your clinic visit is tomorrow, Amina."]);
    const runs = (await call("GET", `/runs?contact=${contact}`)).body.results;
    expect(runs.map((r: { flow: string }) => r.flow)).toEqual([reminder]);
    // Once: the alarm again sends nothing more, and the next event (3 hours after the date) is planned.
    await runDurableObjectAlarm(contactObject(contact));
    expect(texts()).toHaveLength(1);
    expect((await dateTimers(contact)).map((t) => t.due_at)).toContain(Date.parse("2031-01-11T09:00:00Z"));
  });

  it("is dropped when the flow is published more than a day after the due time, as a due time already past", async () => {
    const { contact, reminder, texts } = await campaignContact();
    vi.setSystemTime(Date.parse("2031-01-10T09:00:00Z"));
    await runDurableObjectAlarm(contactObject(contact));
    vi.setSystemTime(Date.parse("2031-01-11T09:00:01Z"));
    await runDurableObjectAlarm(contactObject(contact));
    expect(texts()).toEqual([]);

    vi.setSystemTime(Date.parse("2031-01-11T10:00:00Z"));
    expect((await call("POST", `/flows/${reminder}/publish`)).status).toBe(201);
    // The 3-hours-after event (due 11 Jan 09:00) was held an hour: it starts; the one due on the 10th does not.
    expect(await untilHeldIsDue(contact)).toBe(true);
    await runDurableObjectAlarm(contactObject(contact));
    expect(texts()).toEqual(["Your clinic visit is tomorrow, Amina."]);
    expect((await dateTimers(contact)).filter((t) => JSON.parse(t.payload ?? "{}").held !== undefined)).toEqual([]);
    expect((await call("GET", `/runs?contact=${contact}`)).body.results).toHaveLength(1);
  });

  it("a flow never published starts nothing, and its contact's held fire costs nothing (no alarm for it)", async () => {
    const { contact, texts } = await campaignContact();
    vi.setSystemTime(Date.parse("2031-01-10T09:00:00Z"));
    await runDurableObjectAlarm(contactObject(contact));
    expect(texts()).toEqual([]);
    const state = await contactObject(contact).state();
    expect(state.alarm).not.toBe(Date.parse("2031-01-10T09:00:00Z"));
    expect(state.timers.filter((t) => t.kind === "date_trigger" && t.due_at === null)).toHaveLength(1);
  });
});
