// Date-relative triggers (RapidPro's campaign events) through the API: each contact's object plans
// its own timer from its date field, and fires it at the due time (driven with a fake clock and
// the object's alarm). docs/triggers.md.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, contactObject, linearFlow, phone, publishFlow, runsOf, say, twilioChannel, twilioOutbox, unique } from "../contact/support";

const { sent } = twilioOutbox();

afterEach(() => vi.useRealTimers());

const at = (iso: string) => Date.parse(iso);

async function dateField(): Promise<string> {
  const key = `due_${unique().replace(/[^a-z0-9]/g, "")}`;
  const r = await call("POST", "/fields", { key, name: `Due ${key}`, type: "datetime" });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return key;
}

async function contact(fields: Record<string, string>, timezone?: string): Promise<string> {
  const r = await call("POST", "/contacts", { urns: [`tel:${phone()}`], fields, ...(timezone ? { timezone } : {}) });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.uuid;
}

async function trigger(flow: string, params: Record<string, unknown>): Promise<string> {
  const r = await call("POST", "/triggers", { type: "date_relative", flow, params });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.uuid;
}

const reminder = (text = "reminder for @trigger.params.field.key") => publishFlow(linearFlow("Reminder", "messaging_background", [{ actions: [say(text)] }]));

/** When the contact's object has its date trigger timers due. */
async function planned(contact: string): Promise<number[]> {
  const state = await contactObject(contact).state();
  return state.timers.filter((t) => t.kind === "date_trigger").map((t) => t.due_at!);
}

/** Moves the clock to `ms` and rings the contact's alarm, as the runtime would at that time. */
async function ringAt(contact: string, ms: number): Promise<void> {
  vi.setSystemTime(ms);
  await runDurableObjectAlarm(contactObject(contact));
}

const runsIn = async (contact: string, flow: string) => (await runsOf(contact)).filter((r) => r.flow_uuid === flow);

describe("date-relative triggers", () => {
  it("starts the flow for a contact with the date: N days before, at a time of day, in the contact's time zone", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2030-01-10T12:00:00Z"));
    await twilioChannel();
    const key = await dateField();
    // Kigali is UTC+2: 09:00 there is 07:00Z.
    const c = await contact({ [key]: "2030-01-20T15:00:00+02:00" }, "Africa/Kigali");
    const without = await contact({});
    const flow = await reminder();
    await trigger(flow.uuid, { field: key, relative: "before", amount: 2, unit: "days", time: "09:00" });

    const due = at("2030-01-18T07:00:00Z");
    expect(await planned(c)).toEqual([due]);
    expect(await planned(without)).toEqual([]);
    await ringAt(c, due - 60_000);
    expect(await runsIn(c, flow.uuid)).toHaveLength(0);
    await ringAt(c, due);
    expect(await runsIn(c, flow.uuid)).toHaveLength(1);
    expect(sent.map((s) => s.body)).toEqual([`reminder for ${key}`]);
    // Once, not every year: nothing more is planned.
    expect(await planned(c)).toEqual([]);
  });

  it("plans again when the field changes through the API or a flow, and for a contact given the date later", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2030-02-01T00:00:00Z"));
    await twilioChannel();
    const key = await dateField();
    const c = await contact({ [key]: "2030-03-01T10:00:00Z" });
    const flow = await reminder();
    await trigger(flow.uuid, { field: key, relative: "after", amount: 3, unit: "hours" });
    expect(await planned(c)).toEqual([at("2030-03-01T13:00:00Z")]);

    expect((await call("PATCH", `/contacts/${c}`, { fields: { [key]: "2030-04-01T10:00:00Z" } })).status).toBe(200);
    expect(await planned(c)).toEqual([at("2030-04-01T13:00:00Z")]);
    // The old due time passes: nothing starts.
    await ringAt(c, at("2030-03-01T13:00:00Z"));
    expect(await runsIn(c, flow.uuid)).toHaveLength(0);

    // A flow sets the field: planned from the new value.
    const setter = await publishFlow(linearFlow("Setter", "messaging_background", [{ actions: [{ type: "set_contact_field", field: { key, name: key }, value: "2030-05-01T10:00:00Z" }] }]));
    expect((await call("POST", `/flows/${setter.uuid}/start`, { contacts: [c] })).body).toMatchObject({ started: 1 });
    expect(await planned(c)).toEqual([at("2030-05-01T13:00:00Z")]);

    // Emptied: nothing planned.
    expect((await call("PATCH", `/contacts/${c}`, { fields: { [key]: null } })).status).toBe(200);
    expect(await planned(c)).toEqual([]);

    // A contact made after the trigger, with the date.
    const later = await contact({ [key]: "2030-06-01T10:00:00Z" });
    expect(await planned(later)).toEqual([at("2030-06-01T13:00:00Z")]);
  });

  it("plans again when a flow resumed by the alarm (after a pause) sets the field", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2030-02-01T00:00:00Z"));
    const key = await dateField();
    const c = await contact({ [key]: "2030-03-01T10:00:00Z" });
    const flow = await reminder();
    await trigger(flow.uuid, { field: key, relative: "on" });
    const [pause, set] = [crypto.randomUUID(), crypto.randomUUID()];
    const category = crypto.randomUUID();
    const exit = crypto.randomUUID();
    const later = await publishFlow({
      uuid: crypto.randomUUID(),
      name: "Later",
      spec_version: "14.4.2",
      language: "eng",
      type: "messaging_background",
      nodes: [
        {
          uuid: pause,
          actions: [],
          router: {
            type: "switch", operand: "", cases: [], result_name: "Paused", default_category_uuid: category,
            categories: [{ uuid: category, name: "Completed", exit_uuid: exit }],
            wait: { type: "pause", for: { amount: 1, unit: "hours" }, category_uuid: category },
          },
          exits: [{ uuid: exit, destination_uuid: set }],
        },
        { uuid: set, actions: [{ uuid: crypto.randomUUID(), type: "set_contact_field", field: { key, name: key }, value: "2030-04-01T10:00:00Z" }], exits: [{ uuid: crypto.randomUUID() }] },
      ],
    });
    expect((await call("POST", `/flows/${later.uuid}/start`, { contacts: [c] })).body).toMatchObject({ started: 1 });
    expect(await planned(c)).toEqual([at("2030-03-01T10:00:00Z")]);
    await ringAt(c, at("2030-02-01T01:00:00Z"));
    expect(await planned(c)).toEqual([at("2030-04-01T10:00:00Z")]);
  });

  it("every year: each anniversary, the year ignored", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2030-01-01T00:00:00Z"));
    await twilioChannel();
    const key = await dateField();
    const c = await contact({ [key]: "1990-03-05T00:00:00Z" });
    const flow = await reminder("happy birthday");
    await trigger(flow.uuid, { field: key, relative: "on", time: "10:00", every_year: true });
    expect(await planned(c)).toEqual([at("2030-03-05T10:00:00Z")]);
    await ringAt(c, at("2030-03-05T10:00:00Z"));
    expect(await planned(c)).toEqual([at("2031-03-05T10:00:00Z")]);
    await ringAt(c, at("2031-03-05T10:00:01Z"));
    expect(await planned(c)).toEqual([at("2032-03-05T10:00:00Z")]);
    expect(await runsIn(c, flow.uuid)).toHaveLength(2);
    expect(sent.map((s) => s.body)).toEqual(["happy birthday", "happy birthday"]);
  });

  it("the flow's entry rules apply: a flow a contact may enter once starts on the first anniversary only", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2030-01-01T00:00:00Z"));
    await twilioChannel();
    const key = await dateField();
    const c = await contact({ [key]: "1990-03-05T00:00:00Z" });
    const flow = await publishFlow(linearFlow("Once", "messaging_background", [{ actions: [say("only once")] }]), { entry_rules: { allow_reentry: false } });
    await trigger(flow.uuid, { field: key, relative: "on", time: "10:00", every_year: true });
    await ringAt(c, at("2030-03-05T10:00:00Z"));
    await ringAt(c, at("2031-03-05T10:00:00Z"));
    expect(await runsIn(c, flow.uuid)).toHaveLength(1);
    expect(sent.map((s) => s.body)).toEqual(["only once"]);
    // Refused, the trigger still goes on to the next year.
    expect(await planned(c)).toEqual([at("2032-03-05T10:00:00Z")]);
  });

  it("interrupt false (RapidPro's skip mode) leaves a contact in a messaging flow alone; the default interrupts it", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2030-01-01T00:00:00Z"));
    await twilioChannel();
    const key = await dateField();
    const c = await contact({ [key]: "2030-01-01T10:00:00Z" });
    const asking = await publishFlow(linearFlow("Asking", "messaging", [{ actions: [say("a question?")], wait: true }, { actions: [say("thanks")] }]));
    const skipping = await publishFlow(linearFlow("Skipping", "messaging", [{ actions: [say("skipping flow")] }]));
    const interrupting = await publishFlow(linearFlow("Interrupting", "messaging", [{ actions: [say("interrupting flow")] }]));
    await trigger(skipping.uuid, { field: key, relative: "on", interrupt: false });
    await trigger(interrupting.uuid, { field: key, relative: "after", amount: 1, unit: "hours" });
    expect((await call("POST", `/flows/${asking.uuid}/start`, { contacts: [c] })).body).toMatchObject({ started: 1 });
    await ringAt(c, at("2030-01-01T10:00:00Z"));
    await ringAt(c, at("2030-01-01T11:00:00Z"));
    expect(sent.map((s) => s.body)).toEqual(["a question?", "interrupting flow"]);
    expect((await runsOf(c)).map((r) => [r.flow_uuid, r.status])).toEqual([
      [asking.uuid, "interrupted"],
      [interrupting.uuid, "completed"],
    ]);
  });

  it("keeps the wall clock across a daylight-saving change: 1 day after is 23 hours when the clocks go forward", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2030-03-01T00:00:00Z"));
    const key = await dateField();
    // Amsterdam goes from +01:00 to +02:00 on 31 March 2030 at 02:00.
    const c = await contact({ [key]: "2030-03-30T10:00:00+01:00" }, "Europe/Amsterdam");
    const flow = await reminder();
    await trigger(flow.uuid, { field: key, relative: "after", amount: 1, unit: "days" });
    expect(await planned(c)).toEqual([at("2030-03-31T10:00:00+02:00")]);
    await trigger(flow.uuid, { field: key, relative: "after", amount: 1, unit: "days", time: "09:00" });
    expect((await planned(c)).sort()).toEqual([at("2030-03-31T09:00:00+02:00"), at("2030-03-31T10:00:00+02:00")]);
  });

  it("a due time already past when the trigger is made is never fired; a deleted trigger fires nothing", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2030-06-01T00:00:00Z"));
    await twilioChannel();
    const key = await dateField();
    const past = await contact({ [key]: "2030-05-01T00:00:00Z" });
    const future = await contact({ [key]: "2030-07-01T00:00:00Z" });
    const flow = await reminder();
    const t = await trigger(flow.uuid, { field: key, relative: "on" });
    expect(await planned(past)).toEqual([]);
    expect(await planned(future)).toEqual([at("2030-07-01T00:00:00Z")]);

    expect((await call("DELETE", `/triggers/${t}`)).status).toBe(204);
    await ringAt(future, at("2030-07-01T00:00:00Z"));
    expect(await runsIn(future, flow.uuid)).toHaveLength(0);
    expect(await planned(future)).toEqual([]);
    expect(sent).toEqual([]);
  });

  it("only contacts in the trigger's group when it falls due; edits plan again", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2030-01-01T00:00:00Z"));
    await twilioChannel();
    const key = await dateField();
    const group = (await call("POST", "/groups", { name: `Patients ${unique()}` })).body.uuid;
    const member = await contact({ [key]: "2030-02-01T08:00:00Z" });
    const outsider = await contact({ [key]: "2030-02-01T08:00:00Z" });
    expect((await call("POST", `/groups/${group}/members`, { contacts: [member] })).status).toBe(200);
    const flow = await reminder();
    const t = await trigger(flow.uuid, { field: key, relative: "before", amount: 1, unit: "days", group });
    expect(await planned(member)).toEqual([at("2030-01-31T08:00:00Z")]);
    // An edit (2 days before), a minute later, plans every contact again.
    vi.setSystemTime(at("2030-01-01T00:01:00Z"));
    const edited = await call("PATCH", `/triggers/${t}`, { params: { field: key, relative: "before", amount: 2, unit: "days", group } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(await planned(member)).toEqual([at("2030-01-30T08:00:00Z")]);
    await ringAt(member, at("2030-01-30T08:00:00Z"));
    await ringAt(outsider, at("2030-01-30T08:00:00Z"));
    expect(await runsIn(member, flow.uuid)).toHaveLength(1);
    expect(await runsIn(outsider, flow.uuid)).toHaveLength(0);
  });

  it("a contact without a time zone of its own is in the workspace's (GET /environment)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at("2030-01-01T00:00:00Z"));
    expect((await call("PATCH", "/environment", { timezone: "Asia/Tokyo" })).status).toBe(200);
    try {
      const key = await dateField();
      const c = await contact({ [key]: "2030-02-01T00:00:00Z" });
      const flow = await reminder();
      await trigger(flow.uuid, { field: key, relative: "on", time: "08:00" });
      // 1 Feb 09:00 in Tokyo (the field's date there), 08:00 that day: 23:00Z the day before.
      expect(await planned(c)).toEqual([at("2030-01-31T23:00:00Z")]);
    } finally {
      expect((await call("PATCH", "/environment", { timezone: "UTC" })).status).toBe(200);
    }
  });

  it("refuses params that can't be carried out, naming them", async () => {
    const flow = await reminder();
    const text = `t_${unique().replace(/[^a-z0-9]/g, "")}`;
    await call("POST", "/fields", { key: text, name: text, type: "text" });
    const cases: [Record<string, unknown>, string][] = [
      [{ field: text, relative: "on" }, "params.field"],
      [{ field: "no_such_field", relative: "on" }, "params.field"],
      [{ field: await dateField(), relative: "before" }, "params.amount"],
      [{ field: "x", relative: "on", time: "25:00" }, "params.time"],
      [{ field: "x", relative: "on", offset: 3 }, "params"],
    ];
    for (const [params, path] of cases) {
      const r = await call("POST", "/triggers", { type: "date_relative", flow: flow.uuid, params });
      expect([400, 422], JSON.stringify(r.body)).toContain(r.status);
      expect(JSON.stringify(r.body.issues)).toContain(path);
    }
  });
});
