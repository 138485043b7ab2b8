// The editor's journey elements against the engine, without a browser: each is offered in exactly
// the flow types whose flows the engine accepts it in, and a fresh one (filled in as a person
// would) is a node the engine loads without problems.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadFlow } from "../../durable/engine/flow/load";
import { allowedIn, SPLITS } from "../../ui/src/elements/registry";
import type { FlowType } from "../../ui/src/elements/types";

const FLOW_TYPES: FlowType[] = ["messaging", "messaging_background", "messaging_offline", "voice"];
const JOURNEY = ["wait_pause", "wait_date", "wait_profile_change", "wait_event"];

/** The fields a person must fill before the node is complete (a date field, an event name). */
function filled(node: any) {
  const wait = node.router?.wait;
  if (wait?.type === "date") wait.field = { key: "due_date", name: "Due date" };
  if (wait?.type === "event") wait.event = "purchase";
  if (node.router?.type === "segment_audience") node.router.segments[0].conditions = [{ query: "age >= 18" }];
  if (node.actions[0]?.type === "call_api") node.actions[0].url = "https://shop.example.com/api/orders";
  return node;
}

const problemsOf = (type: FlowType, node: any) =>
  loadFlow({ uuid: randomUUID(), name: "Journey", spec_version: "14.4.0", language: "eng", type, nodes: [node] }).problems.filter((p) => p.level === "error");

describe("journey elements", () => {
  for (const ui of JOURNEY) {
    const element = SPLITS.find((s) => s.ui === ui)!;
    it(`${element.name}: offered where the engine runs it, and a fresh one loads`, () => {
      for (const type of FLOW_TYPES) {
        const problems = problemsOf(type, filled(element.create(randomUUID)));
        expect(allowedIn(element, type), `${type}: ${JSON.stringify(problems)}`).toBe(problems.length === 0);
      }
      expect(element.summary!(filled(element.create(randomUUID)))).not.toBe("");
    });
  }

  it("Call an API: offered where the engine runs call_api, and a fresh one loads", () => {
    const element = SPLITS.find((s) => s.ui === "split_by_api")!;
    for (const type of FLOW_TYPES) {
      const problems = problemsOf(type, filled(element.create(randomUUID)));
      expect(allowedIn(element, type), `${type}: ${JSON.stringify(problems)}`).toBe(problems.length === 0);
    }
  });

  it("the form writes back what it reads: reading a node and writing it unchanged keeps it", () => {
    for (const ui of [...JOURNEY, "split_by_segment"]) {
      const element = SPLITS.find((s) => s.ui === ui)!;
      const node = filled(element.create(randomUUID));
      expect(element.form!.write(node, element.form!.read(node), randomUUID)).toEqual(node);
    }
  });

  it("the segment split writes nested AND/OR conditions and queries as the engine's JSON, which loads, and keeps what else a segment carries", () => {
    const element = SPLITS.find((s) => s.ui === "split_by_segment")!;
    const node = filled(element.create(randomUUID));
    node.router.segments[0].note = "made through the API";
    const values = element.form!.read(node) as { segments: { name: string; match: string; conditions: unknown[] }[] };
    const nested = [
      { attribute: "email", operator: "is_not_empty" },
      { match: "any", conditions: [{ field: { key: "plan", name: "Plan" }, operator: "is", value: "gold" }, { event: "cart_abandoned", performed: true, within: { amount: 1, unit: "days" }, conditions: [{ property: "total", operator: "greater_than", value: "50" }] }] },
    ];
    const next = element.form!.write(node, { ...values, segments: [{ ...values.segments[0], name: "Buyers", conditions: nested }, { name: "Adults", match: "all", conditions: [{ query: "age >= 18" }] }] }, randomUUID) as any;
    expect(next.router.segments[0]).toMatchObject({ match: "all", conditions: nested, note: "made through the API" });
    expect(next.router.segments[1]).toMatchObject({ match: "all", conditions: [{ query: "age >= 18" }] });
    expect(next.router.categories.map((c: any) => c.name)).toEqual(["Buyers", "Adults", "Others"]);
    expect(next.exits).toHaveLength(3);
    expect(problemsOf("messaging", next)).toEqual([]);
    expect(element.summary!(next)).toBe("Buyers: Email address is not empty AND (Plan is gold OR performed cart_abandoned in the last 1 days where total greater than 50) · Adults: age >= 18");
    // A date attribute with a text operator is the engine's problem, named.
    const wrong = element.form!.write(next, { ...element.form!.read(next), segments: [{ ...values.segments[0], conditions: [{ attribute: "last_contacted_on", operator: "contains", value: "x" }] }] }, randomUUID);
    expect(problemsOf("messaging", wrong).map((p: any) => p.message)).toEqual([expect.stringContaining('"contains" does not compare dates')]);
  });
});
