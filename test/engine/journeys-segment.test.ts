import { describe, expect, it } from "vitest";
import { loadFlow } from "../../durable/engine/flow/load";
import { matchesQuery } from "../../worker/segments/query-matcher";
import { Engine, cannedHttp, replayServices, type ContactJSON } from "../../durable/engine";
import { assets, contact, manual, ofType, START, texts, u } from "./engine-support";

const FLOW = "e2000000-0000-4000-8000-000000000000";
const ref = { uuid: FLOW, name: "Segments" };
const HIT = u(901);
const MISS = u(902);

/** A flow whose only split sends the contact to "hit" when it meets the conditions, else "miss". */
function flow(conditions: unknown[], match = "all") {
  return {
    uuid: FLOW,
    name: "Segments",
    spec_version: "14.4.0",
    language: "eng",
    type: "messaging_background",
    nodes: [
      {
        uuid: u(910),
        actions: [],
        router: {
          type: "segment_audience",
          result_name: "Segment",
          categories: [
            { uuid: HIT, name: "Hit", exit_uuid: u(921) },
            { uuid: MISS, name: "Miss", exit_uuid: u(922) },
          ],
          segments: [{ category_uuid: HIT, match, conditions }],
          default_category_uuid: MISS,
        },
        exits: [
          { uuid: u(921), destination_uuid: u(911) },
          { uuid: u(922), destination_uuid: u(912) },
        ],
      },
      { uuid: u(911), actions: [{ uuid: u(931), type: "send_msg", text: "hit @results.segment" }], exits: [{ uuid: u(941) }] },
      { uuid: u(912), actions: [{ uuid: u(932), type: "send_msg", text: "miss @results.segment" }], exits: [{ uuid: u(942) }] },
    ],
  };
}

function withFields(f: unknown) {
  const a = assets(f);
  a.fields = [...(a.fields ?? []), { key: "renewal", name: "Renewal", type: "datetime" }, { key: "plan", name: "Plan", type: "text" }];
  return a;
}

// The clock reads 2025-05-04T12:30:45Z (a Sunday) as the split runs, plus a second or two.
const BEN: Partial<ContactJSON> = {
  urns: ["tel:+12065551212", "mailto:ben@example.org"],
  fields: {
    age: { text: "34", number: 34 },
    plan: { text: "Gold Plus" },
    renewal: { text: "2025-05-07T09:00:00Z", datetime: "2025-05-07T09:00:00Z" },
  },
  last_contacted_on: "2025-04-20T10:00:00Z",
  recent_events: [
    { name: "purchase", properties: { amount: 120, sku: "SHOE-42" }, occurred_on: "2025-04-28T10:00:00Z" },
    { name: "purchase", properties: { amount: 8, sku: "SOCK-1" }, occurred_on: "2025-05-03T10:00:00Z" },
    { name: "login", occurred_on: "2025-03-01T10:00:00Z" },
  ],
};

async function branch(conditions: unknown[], match = "all", over: Partial<ContactJSON> = BEN): Promise<string> {
  const e = new Engine({ ...replayServices({ start: START, http: cannedHttp({}) }), matchesQuery });
  const sprint = await e.start(withFields(flow(conditions, match)), manual(ref, contact(over)));
  expect(ofType(sprint.events, "error")).toEqual([]);
  return texts(sprint.events)[0];
}

const plan = (operator: string, value?: string) => ({ field: { key: "plan", name: "Plan" }, operator, ...(value !== undefined ? { value } : {}) });
const age = (operator: string, value?: string) => ({ field: { key: "age", name: "Age" }, operator, ...(value !== undefined ? { value } : {}) });
const renewal = (operator: string, value?: string, unit?: string) => ({ field: { key: "renewal", name: "Renewal" }, operator, ...(value !== undefined ? { value } : {}), ...(unit ? { unit } : {}) });

describe("segment audience", () => {
  it("sends a contact who meets the segment to its branch, with the segment's number as the result, and the others to the default", async () => {
    expect(await branch([plan("starts_with", "gold")])).toBe("hit 1");
    expect(await branch([plan("starts_with", "silver")])).toBe("miss 0");
  });

  it("has the text operators, ignoring case", async () => {
    const hits = [plan("is", "gold plus"), plan("is_not", "Gold"), plan("contains", "D P"), plan("ends_with", "plus"), plan("is_not_empty"), { attribute: "name", operator: "starts_with", value: "ben" }];
    for (const c of hits) expect(await branch([c]), JSON.stringify(c)).toBe("hit 1");
    const misses = [plan("is", "gold"), plan("is_empty"), plan("contains", "silver"), { field: { key: "nickname", name: "Nickname" }, operator: "is_not_empty" }];
    for (const c of misses) expect(await branch([c]), JSON.stringify(c)).toBe("miss 0");
  });

  it("has the number operators; a value that is not a number meets none", async () => {
    for (const c of [age("equals", "34"), age("not_equals", "35"), age("less_than", "40"), age("less_or_equal", "34"), age("greater_or_equal", "34"), age("greater_than", "18")])
      expect(await branch([c]), JSON.stringify(c)).toBe("hit 1");
    for (const c of [age("greater_than", "34"), age("less_than", "34"), plan("greater_than", "1"), age("is_empty")]) expect(await branch([c]), JSON.stringify(c)).toBe("miss 0");
  });

  it("has the date operators, relative to now in the contact's zone", async () => {
    // Renewal is 2025-05-07 09:00Z, three days ahead; the contact was last contacted 14 days ago.
    const hits = [
      renewal("on", "07-05-2025"), renewal("not_on", "06-05-2025"), renewal("before", "08-05-2025"), renewal("until", "07-05-2025"),
      renewal("since", "07-05-2025"), renewal("after", "06-05-2025"), renewal("will_be_in", "3"), renewal("will_be_within", "3", "days"),
      renewal("will_be_more_than", "2", "days"), renewal("will_be_more_than", "60", "hours"), renewal("is_not_empty"),
      { attribute: "last_contacted_on", operator: "was_more_than", value: "7", unit: "days" },
      { attribute: "last_contacted_on", operator: "was_within", value: "15", unit: "days" },
      { attribute: "created_on", operator: "before", value: "@(datetime_add(now(), -30, \"D\"))" },
    ];
    for (const c of hits) expect(await branch([c]), JSON.stringify(c)).toBe("hit 1");
    const misses = [
      renewal("will_be_in", "2"), renewal("will_be_within", "2", "days"), renewal("was_within", "3", "days"), renewal("was_today"), renewal("after", "07-05-2025"),
      { attribute: "last_contacted_on", operator: "was_within", value: "7", unit: "days" },
      { attribute: "last_seen_on", operator: "was_more_than", value: "1", unit: "days" },
      { field: { key: "renewal", name: "Renewal" }, operator: "was_today" },
    ];
    for (const c of misses) expect(await branch([c]), JSON.stringify(c)).toBe("miss 0");
    expect(await branch([renewal("was_today")], "all", { ...BEN, fields: { renewal: { text: "x", datetime: "2025-05-04T01:00:00Z" } } })).toBe("hit 1");
  });

  it("reads contact information: an email, a phone, a URN scheme", async () => {
    expect(await branch([{ attribute: "email", operator: "is_not_empty" }, { attribute: "phone", operator: "starts_with", value: "+1206" }])).toBe("hit 1");
    expect(await branch([{ attribute: "urn:whatsapp", operator: "is_not_empty" }])).toBe("miss 0");
    expect(await branch([{ attribute: "email", operator: "is_not_empty" }], "all", { ...BEN, urns: ["tel:+12065551212"] })).toBe("miss 0");
  });

  it("reads the contact's events: performed in the last N days, with property conditions, or not performed", async () => {
    const bigPurchase = { event: "purchase", within: { amount: 7, unit: "days" }, conditions: [{ property: "amount", operator: "greater_than", value: "100" }] };
    expect(await branch([bigPurchase])).toBe("hit 1");
    expect(await branch([{ ...bigPurchase, within: { amount: 5, unit: "days" } }])).toBe("miss 0");
    expect(await branch([{ event: "login", within: { amount: 30, unit: "days" }, performed: false }])).toBe("hit 1");
    expect(await branch([{ event: "login", within: { amount: 90, unit: "days" } }])).toBe("hit 1");
    expect(await branch([{ event: "purchase", within: { amount: 1, unit: "days" } }], "all", { ...BEN, recent_events: undefined })).toBe("miss 0");
    // A property condition's value is a template: here the contact's age, 34, against amounts of 120 and 8.
    expect(await branch([{ event: "purchase", within: { amount: 7, unit: "days" }, conditions: [{ property: "amount", operator: "less_than", value: "@fields.age" }] }])).toBe("hit 1");
    expect(await branch([{ event: "purchase", within: { amount: 3, unit: "days" }, conditions: [{ property: "amount", operator: "greater_than", value: "@fields.age" }] }])).toBe("miss 0");
  });

  it("combines conditions with AND and OR, groups nesting", async () => {
    const gold = plan("starts_with", "gold");
    const young = age("less_than", "30");
    expect(await branch([gold, young], "all")).toBe("miss 0");
    expect(await branch([gold, young], "any")).toBe("hit 1");
    expect(await branch([{ attribute: "email", operator: "is_not_empty" }, { match: "any", conditions: [young, gold] }], "all")).toBe("hit 1");
    expect(await branch([{ match: "all", conditions: [young, gold] }, plan("is", "silver")], "any")).toBe("miss 0");
  });

  it("takes segment queries in the language of the segment API", async () => {
    expect(await branch([{ query: 'age > 30 AND plan ~ "gold"' }])).toBe("hit 1");
    expect(await branch([{ query: "age < 30" }])).toBe("miss 0");
  });

  it("picks the first segment the contact meets, in order", async () => {
    const f = flow([plan("is", "silver")]);
    const router = f.nodes[0].router!;
    router.segments.push({ category_uuid: HIT, match: "all", conditions: [plan("contains", "gold")] });
    const e = new Engine(replayServices({ start: START }));
    const sprint = await e.start(withFields(f), manual(ref, contact(BEN)));
    expect(texts(sprint.events)).toEqual(["hit 2"]);
  });

  it("is checked when the flow loads, naming the node", () => {
    const problems = (conditions: unknown[]) => loadFlow(flow(conditions)).problems.map((p) => p.message);
    expect(problems([plan("is", "gold")])).toEqual([]);
    expect(problems([{ attribute: "last_contacted_on", operator: "contains", value: "x" }])).toEqual([
      `node ${u(910)}: last_contacted_on is a date: "contains" does not compare dates`,
    ]);
    expect(problems([{ attribute: "name", operator: "was_today" }])).toEqual([`node ${u(910)}: name is text: "was_today" does not compare text`]);
    expect(problems([age("greater_than")])).toEqual([`node ${u(910)}: "greater_than" needs value`]);
    expect(problems([age("greater_than", "ten")])).toEqual([`node ${u(910)}: "greater_than" takes a number, "ten" is not one`]);
    expect(problems([plan("is_empty", "x")])).toEqual([`node ${u(910)}: "is_empty" takes no value`]);
    expect(problems([{ operator: "is", value: "x" }])).toEqual([`node ${u(910)}: a condition needs one of "attribute", "field", "event", "query" or "match"`]);
    const f = flow([plan("is", "gold")]);
    f.nodes[0].router!.segments[0].category_uuid = u(999);
    expect(loadFlow(f).problems.map((p) => p.message)).toEqual([`node ${u(910)}: the category ${u(999)} is not on this router`]);
  });
});
