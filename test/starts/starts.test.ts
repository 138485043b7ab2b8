import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { http, HttpResponse } from "msw";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { fanOut } from "../../durable/starts/coordinator";
import { call, contactObject, EXAMPLE, exampleAssets, HOOK, linearFlow, publishFlow, say, twilioOutbox, unique } from "../contact/support";
import { channel, fieldsOf, group, newContact, runsOf, settled, startNow } from "./support";

const { sent } = twilioOutbox(http.post(HOOK, () => HttpResponse.json({ code: "AB12" })));
const defaults = { ...fanOut };

beforeAll(() => exampleAssets());
afterEach(() => {
  Object.assign(fanOut, defaults);
});

const textsTo = (phone: string) => sent.filter((s) => s.to === phone).map((s) => s.body);

/** The seeds' background flow: set a field, add to a group, send a message. */
async function backgroundFlow() {
  const key = `reached_${unique()}`;
  expect((await call("POST", "/fields", { key, name: key, type: "text" })).status).toBe(201);
  const reached = await group([]);
  const groupName = (await call("GET", `/groups/${reached}`)).body.name;
  const flow = await publishFlow(
    linearFlow("Weekly", "messaging_background", [
      {
        actions: [
          { type: "set_contact_field", field: { key, name: key }, value: "@trigger.params.week" },
          { type: "add_contact_groups", groups: [{ uuid: reached, name: groupName }] },
          say("Weekly reminder"),
        ],
      },
    ]),
  );
  return { flow: flow.uuid, key, reached };
}

const otherFlow = () => publishFlow(linearFlow("Other", "messaging", [{ actions: [say("Something else?")], wait: true }, { actions: [say("Noted: @input.text")] }]));

async function membersOf(groupUuid: string): Promise<string[]> {
  return (await call("GET", `/contacts?group=${groupUuid}&limit=500`)).body.results.map((c: { uuid: string }) => c.uuid);
}

describe("starts", () => {
  it("runs a background flow for every member of a group, leaving contacts waiting in a messaging flow where they are", async () => {
    const ch = await channel();
    const people = [await newContact(ch), await newContact(ch), await newContact(ch)];
    const example = await publishFlow(EXAMPLE);
    const waiting = people[0];
    expect((await call("POST", `/flows/${example.uuid}/start`, { contacts: [waiting.uuid] })).body).toMatchObject({ started: 1 });
    const before = await contactObject(waiting.uuid).state();
    expect(before.session).toMatchObject({ status: "waiting", flow: { uuid: example.uuid } });

    const bg = await backgroundFlow();
    const audience = await group(people.map((p) => p.uuid));
    const created = await startNow({ flow: bg.flow, audience: { groups: [audience] }, options: { params: { week: "12" } } });
    expect(created).toMatchObject({ status: "pending", flow: { uuid: bg.flow }, options: { interrupt: true, params: { week: "12" } } });

    const done = await settled(created.uuid);
    expect(done).toMatchObject({ status: "completed", error: null, progress: { targeted: 3, started: 3, skipped: { total: 0 }, failed: 0 } });
    expect(done.finished_on).not.toBeNull();
    for (const p of people) {
      expect((await fieldsOf(p.uuid))[bg.key]).toBe("12");
      expect(textsTo(p.from)).toContain("Weekly reminder");
    }
    expect((await membersOf(bg.reached)).sort()).toEqual(people.map((p) => p.uuid).sort());

    // The waiting contact's session and timers are as they were, and the next reply reaches the flow.
    const after = await contactObject(waiting.uuid).state();
    expect(after.session).toEqual(before.session);
    expect(after.timers).toEqual(before.timers);
    await waiting.reply("I'm 30");
    expect(textsTo(waiting.from).at(-1)).toBe("Thanks! Your code is AB12");
    expect((await runsOf(waiting.uuid)).map((r) => [r.flow_uuid, r.status])).toEqual([
      [example.uuid, "completed"],
      [bg.flow, "completed"],
    ]);
  });

  it("skips contacts in a messaging flow when asked not to interrupt, and interrupts them by default", async () => {
    const ch = await channel();
    const example = await publishFlow(EXAMPLE);
    const people = [await newContact(ch), await newContact(ch)];
    await call("POST", `/flows/${example.uuid}/start`, { contacts: people.map((p) => p.uuid) });
    const other = await otherFlow();
    const audience = { contacts: people.map((p) => p.uuid) };

    const skip = await settled((await startNow({ flow: other.uuid, audience, options: { interrupt: false } })).uuid);
    expect(skip.progress).toMatchObject({ targeted: 2, started: 0, skipped: { total: 2, in_flow: 2 } });
    for (const p of people) expect((await contactObject(p.uuid).state()).session).toMatchObject({ flow: { uuid: example.uuid } });

    const interrupt = await settled((await startNow({ flow: other.uuid, audience })).uuid);
    expect(interrupt.progress).toMatchObject({ targeted: 2, started: 2, skipped: { total: 0 } });
    for (const p of people) {
      expect((await contactObject(p.uuid).state()).session).toMatchObject({ status: "waiting", flow: { uuid: other.uuid } });
      expect((await runsOf(p.uuid)).map((r) => [r.flow_uuid, r.status])).toEqual([
        [example.uuid, "interrupted"],
        [other.uuid, "waiting"],
      ]);
    }
  });

  it("counts who was started, who was skipped and why", async () => {
    const ch = await channel();
    const [plain, stopped, blocked, busy, recent] = [await newContact(ch), await newContact(ch), await newContact(ch), await newContact(ch), await newContact(ch)];
    await call("PATCH", `/contacts/${stopped.uuid}`, { status: "stopped" });
    await call("PATCH", `/contacts/${blocked.uuid}`, { status: "blocked" });
    await call("POST", `/flows/${(await publishFlow(EXAMPLE)).uuid}/start`, { contacts: [busy.uuid] });
    const other = await otherFlow();
    // Entered the flow earlier and finished it.
    await call("POST", `/flows/${other.uuid}/start`, { contacts: [recent.uuid] });
    await recent.reply("done");

    const audience = await group([plain, stopped, blocked, busy, recent].map((c) => c.uuid));
    const done = await settled((await startNow({ flow: other.uuid, audience: { groups: [audience] }, options: { interrupt: false, exclude_started_within_days: 7 } })).uuid);
    expect(done).toMatchObject({
      status: "completed",
      progress: { targeted: 5, started: 1, skipped: { total: 4, in_flow: 1, started_recently: 1, inactive: 2, other: 0 }, failed: 0 },
    });
    expect((await runsOf(plain.uuid)).map((r) => r.flow_uuid)).toEqual([other.uuid]);
    expect((await runsOf(recent.uuid)).map((r) => r.flow_uuid)).toEqual([other.uuid]);
    expect((await call("GET", `/starts?flow=${other.uuid}`)).body.results.map((s: { uuid: string }) => s.uuid)).toEqual([done.uuid]);
  });

  it("creates the contacts of a URN audience that don't exist, normalising their URNs", async () => {
    const ch = await channel();
    const known = await newContact(ch);
    const bg = await backgroundFlow();
    const local = `0788${String(Math.floor(Math.random() * 1e6)).padStart(6, "0")}`;
    const bad = await call("POST", "/starts", { flow: bg.flow, audience: { urns: [`tel:${known.from}`, "tel:12"] } });
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([{ path: "audience.urns.1", message: expect.stringContaining("not a valid phone number") }]);

    const done = await settled((await startNow({ flow: bg.flow, audience: { urns: [`tel:${known.from}`, `tel:${local}`, `tel:${local}`], country: "RW" }, options: { params: { week: "1" } } })).uuid);
    expect(done.progress).toMatchObject({ targeted: 2, started: 2 });
    const found = (await call("GET", `/contacts?urn=${encodeURIComponent(`tel:+250${local.slice(1)}`)}`)).body.results;
    expect(found).toHaveLength(1);
    // The flow's field, written behind (docs/contact-session.md).
    await fieldsOf(found[0].uuid);
    expect((await call("GET", `/contacts/${found[0].uuid}`)).body).toMatchObject({ urns: [`tel:+250${local.slice(1)}`], status: "active", fields: { [bg.key]: "1" } });
    expect((await fieldsOf(known.uuid))[bg.key]).toBe("1");
  });

  it("starts the contacts a segment query selects, and names a bad query's error and position", async () => {
    const ch = await channel();
    const key = `score_${unique()}`;
    await call("POST", "/fields", { key, name: key, type: "number" });
    const [adult, child, none] = [await newContact(ch), await newContact(ch), await newContact(ch)];
    await call("PATCH", `/contacts/${adult.uuid}`, { fields: { [key]: 30 } });
    await call("PATCH", `/contacts/${child.uuid}`, { fields: { [key]: 12 } });
    const bg = await backgroundFlow();

    const bad = await call("POST", "/starts", { flow: bg.flow, audience: { query: `${key} >= 18 AND nosuchfield = 2` } });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: "invalid_query", issues: [{ path: "audience.query", message: expect.stringMatching(/nosuchfield.*position \d+/) }] });

    const done = await settled((await startNow({ flow: bg.flow, audience: { query: `${key} >= 18` }, options: { params: { week: "3" } } })).uuid);
    expect(done.progress).toMatchObject({ targeted: 1, started: 1 });
    expect((await fieldsOf(adult.uuid))[bg.key]).toBe("3");
    expect((await fieldsOf(child.uuid))[bg.key]).toBeUndefined();
    expect((await fieldsOf(none.uuid))[bg.key]).toBeUndefined();
  });

  it("refuses a flow that isn't published, unknown contacts and groups, and an empty audience", async () => {
    const draft = await call("POST", "/flows", { name: `Draft ${unique()}`, type: "messaging" });
    expect((await call("POST", "/starts", { flow: draft.body.uuid, audience: { everyone: true } })).status).toBe(409);
    const bg = await backgroundFlow();
    const r = await call("POST", "/starts", { flow: bg.flow, audience: { contacts: [crypto.randomUUID()], groups: [crypto.randomUUID()] } });
    expect(r.status).toBe(400);
    expect(r.body.issues.map((i: { path: string }) => i.path)).toEqual(["audience.contacts.0", "audience.groups.0"]);
    expect((await call("POST", "/starts", { flow: bg.flow, audience: {} })).status).toBe(400);
    expect((await call("GET", `/starts/${crypto.randomUUID()}`)).status).toBe(404);
  });
});

describe("a start's fan-out", () => {
  /** Five group members, a start paged two at a time with pages an hour apart, its first page done. */
  async function firstPageDone() {
    fanOut.pageSize = 2;
    fanOut.pageGapMs = 3_600_000;
    const ch = await channel();
    const people = await Promise.all([1, 2, 3, 4, 5].map(() => newContact(ch)));
    const bg = await backgroundFlow();
    const { uuid } = await startNow({ flow: bg.flow, audience: { groups: [await group(people.map((p) => p.uuid))] }, options: { params: { week: "7" } } });
    const first = await settled(uuid, ["running"], (s) => s.progress.targeted === 2 && s.progress.started === 2);
    expect(first.progress).toMatchObject({ targeted: 2, started: 2 });
    const sorted = people.map((p) => p.uuid).sort();
    return { uuid, bg, sorted, coordinator: env.STARTS.getByName(uuid) };
  }

  it("resumes after a crash halfway through a page without starting anyone twice", async () => {
    const { uuid, bg, sorted, coordinator } = await firstPageDone();
    // The state a crash leaves: the second page recorded with the cursor, its first contact's object
    // called (the flow started there), and the object gone before either outcome was written down.
    await runInDurableObject(coordinator, (_, state) => {
      for (const contact of sorted.slice(2, 4)) state.storage.sql.exec("INSERT INTO targets (contact_uuid, state) VALUES (?, 'pending')", contact);
      state.storage.sql.exec("UPDATE meta SET value = ? WHERE key = 'cursor'", sorted[3]);
    });
    const plan = JSON.parse(await runInDurableObject(coordinator, (_, state) => state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'plan'").one().value));
    expect(await contactObject(sorted[2]).startFlow(sorted[2], "http://eddy.test", { flowUuid: bg.flow, interrupt: true, params: plan.params, startUuid: uuid })).toMatchObject({ status: "started" });

    expect(await runDurableObjectAlarm(coordinator)).toBe(true); // the pending two, again
    expect(await runDurableObjectAlarm(coordinator)).toBe(true); // the last page
    const done = await settled(uuid);
    expect(done.progress).toMatchObject({ targeted: 5, started: 5, failed: 0, skipped: { total: 0 } });
    for (const contact of sorted) expect((await runsOf(contact)).filter((r) => r.flow_uuid === bg.flow)).toHaveLength(1);
  });

  it("paces a start at per_minute contacts a minute, and a cancel between its pages starts nobody else", async () => {
    const ch = await channel();
    const people = await Promise.all([1, 2, 3, 4, 5].map(() => newContact(ch)));
    const bg = await backgroundFlow();
    const t0 = Date.now();
    const { uuid, options } = (await startNow({ flow: bg.flow, audience: { groups: [await group(people.map((p) => p.uuid))] }, options: { per_minute: 2, params: { week: "8" } } })) as { uuid: string; options: Record<string, unknown> };
    expect(options).toMatchObject({ per_minute: 2 });
    const first = await settled(uuid, ["running"], (s) => s.progress.started === 2);
    expect(first.progress).toMatchObject({ targeted: 2, started: 2 });
    const coordinator = env.STARTS.getByName(uuid);
    const next = await runInDurableObject(coordinator, (_, state) => state.storage.getAlarm());
    expect(next).toBeGreaterThanOrEqual(t0 + 60_000);

    expect(await runDurableObjectAlarm(coordinator)).toBe(true); // the minute is up: two more
    expect((await call("GET", `/starts/${uuid}`)).body).toMatchObject({ status: "running", progress: { targeted: 4, started: 4 } });
    const cancelled = await call("POST", `/starts/${uuid}/cancel`);
    expect(cancelled.body).toMatchObject({ status: "cancelled", progress: { targeted: 4, started: 4 } });
    expect(await runDurableObjectAlarm(coordinator)).toBe(false);
    const started = (await Promise.all(people.map(async (p) => (await runsOf(p.uuid)).some((r) => r.flow_uuid === bg.flow)))).filter(Boolean);
    expect(started).toHaveLength(4);
  });

  it("refuses a pace below one contact a minute, naming it", async () => {
    const bg = await backgroundFlow();
    const res = await call("POST", "/starts", { flow: bg.flow, audience: { everyone: true }, options: { per_minute: 0 } });
    expect(res).toMatchObject({ status: 400, body: { issues: [{ path: "options.per_minute" }] } });
  });

  it("stops paging when cancelled", async () => {
    const { uuid, bg, sorted, coordinator } = await firstPageDone();
    const cancelled = await call("POST", `/starts/${uuid}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", progress: { targeted: 2, started: 2 } });
    expect(await runDurableObjectAlarm(coordinator)).toBe(false);
    for (const contact of sorted.slice(2)) expect(await runsOf(contact)).toEqual([]);
    expect((await call("POST", `/starts/${uuid}/cancel`)).status).toBe(409);
    expect((await runsOf(sorted[0])).map((r) => r.flow_uuid)).toEqual([bg.flow]);
  });
});
