// Smart groups (a group defined by a query) through the API: each contact's object computes its
// memberships whenever the contact changes (an API edit, a new contact, a flow), they are stored
// and listed like manual ones, and a joined-group trigger on a smart group starts its flow for a
// contact who comes to match the query (docs/segments.md, "Smart groups"; docs/triggers.md).
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { groupEvaluation, type GroupEvaluation } from "../../worker/segments/group-fanout";
import { ENV_TOKEN, ORIGIN } from "../api/helpers";
import { call, contactByUrn, linearFlow, messagesOf, phone, postTwilio, publishFlow, runsOf, say, twilioChannel, twilioOutbox, twilioSms, unique } from "../contact/support";
import { capturedQueue, invocation, subrequests, type Cost } from "../limits/count";

twilioOutbox();
const defaults = { ...groupEvaluation };
afterEach(() => Object.assign(groupEvaluation, defaults));

/** A number field of this test's own, so other tests' contacts never match its queries. */
async function ageField(): Promise<string> {
  const key = `age_${unique().replace(/[^a-z0-9]/g, "")}`;
  expect((await call("POST", "/fields", { key, name: key, type: "number" })).status).toBe(201);
  return key;
}

async function smartGroup(query: string): Promise<{ uuid: string; name: string }> {
  const r = await call("POST", "/groups", { name: `Smart ${unique()}`, query });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

const contact = async (body: Record<string, unknown>) => {
  const r = await call("POST", "/contacts", body);
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.uuid as string;
};
const groupsOf = async (uuid: string) => ((await call("GET", `/contacts/${uuid}`)).body.groups as { name: string }[]).map((g) => g.name);
const countOf = async (group: string) => (await call("GET", `/groups/${group}`)).body.count as number;
const membersOf = async (group: string) => ((await call("GET", `/contacts?group=${group}`)).body.results as { uuid: string }[]).map((c) => c.uuid).sort();
const poll = { timeout: 10_000, interval: 100 };

describe("smart groups' members", () => {
  it("are the contacts the query matches, listed in their groups and counted, and follow API edits", async () => {
    const age = await ageField();
    const adult = await contact({ fields: { [age]: 20 } });
    const child = await contact({ fields: { [age]: 10 } });
    const group = await smartGroup(`${age} > 18`);

    // The contacts made before the group: evaluated when it was made.
    await expect.poll(() => groupsOf(adult), poll).toEqual([group.name]);
    expect(await groupsOf(child)).toEqual([]);
    expect(await countOf(group.uuid)).toBe(1);
    expect(await membersOf(group.uuid)).toEqual([adult]);
    expect((await call("GET", "/groups")).body.results.find((g: { uuid: string }) => g.uuid === group.uuid).count).toBe(1);

    // Edits move them in and out; a new contact that matches is in at once.
    expect((await call("PATCH", `/contacts/${adult}`, { fields: { [age]: 5 } })).status).toBe(200);
    expect((await call("PATCH", `/contacts/${child}`, { fields: { [age]: 30 } })).status).toBe(200);
    const late = await contact({ fields: { [age]: 40 } });
    await expect.poll(() => membersOf(group.uuid), poll).toEqual([child, late].sort());
    expect(await groupsOf(adult)).toEqual([]);
    expect(await countOf(group.uuid)).toBe(2);

    // Replacing a contact's (manual) groups leaves its smart ones.
    const manual = (await call("POST", "/groups", { name: `Manual ${unique()}` })).body;
    expect((await call("PATCH", `/contacts/${child}`, { groups: [manual.uuid] })).status).toBe(200);
    await expect.poll(() => groupsOf(child), poll).toEqual([manual.name, group.name].sort());
    expect(await membersOf(group.uuid)).toEqual([child, late].sort());

    // A blocked contact is in no smart group (as in goflow).
    expect((await call("PATCH", `/contacts/${late}`, { status: "blocked" })).status).toBe(200);
    await expect.poll(() => membersOf(group.uuid), poll).toEqual([child]);

    // A new query: the members are computed again.
    expect((await call("PATCH", `/groups/${group.uuid}`, { query: `${age} < 18` })).status).toBe(200);
    await expect.poll(() => membersOf(group.uuid), poll).toEqual([adult]);
  });

  it("of an imported smart group are computed for the contacts already here", async () => {
    const age = await ageField();
    const adults = [await contact({ fields: { [age]: 50 } }), await contact({ fields: { [age]: 60 } })];
    await contact({ fields: { [age]: 7 } });
    const uuid = crypto.randomUUID();
    const imported = await call("POST", "/flows/import", { version: "13", groups: [{ uuid, name: `Imported ${unique()}`, query: `${age} > 18` }] });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    await expect.poll(() => countOf(uuid), poll).toBe(2);
    expect(await membersOf(uuid)).toEqual(adults.sort());
  });

  it("include a contact made by its first message, whose URN the query names", async () => {
    const ch = await twilioChannel();
    const from = phone();
    const group = await smartGroup(`tel = "${from}"`);
    expect((await postTwilio(ch.uuid, twilioSms(ch, from, "hello"))).status).toBe(200);
    await expect.poll(() => contactByUrn(`tel:${from}`), poll).toBeTruthy();
    const uuid = (await contactByUrn(`tel:${from}`))!;
    await expect.poll(() => groupsOf(uuid), poll).toEqual([group.name]);
    expect(await membersOf(group.uuid)).toEqual([uuid]);
  });

  it("change with a flow's field change, and @contact.groups lists them", async () => {
    const age = await ageField();
    const group = await smartGroup(`${age} >= 18`);
    const ch = await twilioChannel();
    const uuid = await contact({ urns: [`tel:${phone()}`], fields: { [age]: 3 } });
    expect(await groupsOf(uuid)).toEqual([]);
    const flow = await publishFlow(
      linearFlow("Birthday", "messaging", [{ actions: [{ type: "set_contact_field", field: { key: age, name: age }, value: "18" }, say("in @(join(contact.groups, \", \"))")] }]),
    );
    expect((await call("POST", `/flows/${flow.uuid}/start`, { contacts: [uuid] })).body).toMatchObject({ started: 1 });
    await expect.poll(async () => (await messagesOf(uuid)).map((m) => m.text), poll).toContain(`in ${group.name}`);
    await expect.poll(() => groupsOf(uuid), poll).toEqual([group.name]);
    expect(await countOf(group.uuid)).toBe(1);
    expect(ch).toBeTruthy();
  });
});

describe("a joined-group trigger on a smart group", () => {
  it("starts its flow for a contact who comes to match the query, once per time it comes to match, not for members before the trigger", async () => {
    const age = await ageField();
    const group = await smartGroup(`${age} > 18`);
    const member = await contact({ fields: { [age]: 25 } });
    await expect.poll(() => groupsOf(member), poll).toEqual([group.name]);
    const flow = await publishFlow(linearFlow("Adults", "messaging_background", [{ actions: [{ type: "set_run_result", name: "Welcomed", value: "@trigger.params.group.name", category: "" }] }]));
    const t = await call("POST", "/triggers", { type: "joined_group", flow: flow.uuid, group: group.uuid });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    const entered = async (uuid: string) => (await runsOf(uuid)).filter((r) => r.flow_uuid === flow.uuid).map((r) => r.results.welcomed?.value);

    const teen = await contact({ fields: { [age]: 10 } });
    expect((await call("PATCH", `/contacts/${teen}`, { fields: { [age]: 20 } })).status).toBe(200);
    await expect.poll(() => entered(teen), poll).toEqual([group.name]);
    expect((await call("PATCH", `/contacts/${teen}`, { fields: { [age]: 30 } })).status).toBe(200); // still a member: not again
    const newcomer = await contact({ fields: { [age]: 40 } });
    await expect.poll(() => entered(newcomer), poll).toEqual([group.name]);
    expect((await call("PATCH", `/contacts/${member}`, { name: "Already in" })).status).toBe(200); // a member before the trigger

    // Leaving and coming back is joining again.
    expect((await call("PATCH", `/contacts/${teen}`, { fields: { [age]: 12 } })).status).toBe(200);
    expect((await call("PATCH", `/contacts/${teen}`, { fields: { [age]: 19 } })).status).toBe(200);
    await expect.poll(() => entered(teen), poll).toEqual([group.name, group.name]);
    expect(await entered(member)).toEqual([]);
    expect(await entered(newcomer)).toEqual([group.name]);
  });
});

describe("evaluating a new smart group", () => {
  it("computes every matching contact's membership, a page of contacts per invocation", { timeout: 60_000 }, async () => {
    groupEvaluation.pageSize = 5;
    const age = await ageField();
    const contacts: string[] = [];
    for (let i = 0; i < 12; i++) contacts.push(await contact({ fields: { [age]: 30 + i } }));
    await contact({ fields: { [age]: 1 } }); // not matching: not called

    const queue = capturedQueue<GroupEvaluation>();
    const counted = { ...env, EDDY_API_TOKEN: ENV_TOKEN, SCHEDULE_FIRES: queue } as unknown as Env;
    const invocations: Cost[] = [];
    const name = `Smart ${unique()}`;
    const { result: created, cost } = await invocation("POST /groups", async () => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${ORIGIN}/api/v1/groups`, {
          method: "POST",
          headers: { authorization: `Bearer ${ENV_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ name, query: `${age} >= 30` }),
        }),
        counted,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    });
    expect(created.status).toBe(201);
    const group = ((await created.json()) as { uuid: string }).uuid;
    invocations.push(cost);
    for (let delivered = 0; delivered < queue.sent.length; ) {
      const bodies = queue.sent.slice(delivered);
      delivered = queue.sent.length;
      const batch = createMessageBatch<GroupEvaluation>("eddy-schedule-fires", bodies.map((body, i) => ({ id: `g${delivered + i}`, timestamp: new Date(), attempts: 1, body })));
      invocations.push((await invocation("queue batch", () => worker.queue(batch as MessageBatch<never>, counted))).cost);
    }

    // 5 in the request, 5 and 2 from the queue; each page's invocation within its budget.
    expect(invocations.map((c) => c.objectCalls)).toEqual([5, 5, 2]);
    for (const c of invocations.slice(1)) expect(c.d1Queries, JSON.stringify(c)).toBeLessThanOrEqual(4);
    for (const c of invocations) expect(subrequests(c), JSON.stringify(c)).toBeLessThanOrEqual(groupEvaluation.pageSize + 20);
    await expect.poll(() => membersOf(group), poll).toEqual([...contacts].sort());
    expect(await countOf(group)).toBe(12);
  });
});
