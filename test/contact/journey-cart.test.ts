// An abandoned-cart journey end to end through the API and the contact's object: an event trigger
// starts it, a pause, a segment split, a wait for the purchase with a timeout, and the flow's goal.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { journey, journeyContact, startFor } from "./journey-flows";
import { call, exampleAssets, publishFlow, twilioOutbox } from "./support";

const { sent } = twilioOutbox();
const HOUR = 3_600_000;
beforeAll(() => exampleAssets());
afterEach(() => vi.useRealTimers());

const cart = () =>
  journey("Abandoned cart", "messaging_background", [
    { say: "You left something in your cart" },
    { wait: ({ next }) => ({ type: "pause", for: { amount: 1, unit: "hours" }, category_uuid: next }) },
    {
      split: ({ next, other }) => ({
        type: "segment_audience",
        segments: [{ category_uuid: next, match: "all", conditions: [{ attribute: "name", operator: "is_not_empty" }] }],
        default_category_uuid: other,
      }),
      otherwise: "Your cart is waiting",
      result: "Segment",
    },
    { say: "@contact.name, your cart is waiting" },
    {
      wait: ({ next, other }) => ({ type: "event", event: "purchase", save: ["amount"], timeout: { seconds: 86400, category_uuid: other }, category_uuid: next }),
      otherwise: "Last chance: your cart expires today",
    },
    { say: "Thanks for your order of @results.amount" },
  ]);

describe("an abandoned-cart journey", () => {
  it("starts on the event, pauses, splits, and ends with the purchase (the goal) or the timeout", async () => {
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(t0);
    const flow = await publishFlow(cart(), { goal: { event: "purchase" } });
    expect((await call("POST", "/triggers", { type: "event", flow: flow.uuid, event: "cart_abandoned" })).status).toBe(201);
    const [buyer, hesitant, anonymous] = [await journeyContact({ name: "Ann" }), await journeyContact({ name: "Ben" }), await journeyContact()];
    const to = (c: { from: string }) => sent.filter((s) => s.to === c.from).map((s) => s.body);
    for (const c of [buyer, hesitant, anonymous]) await call("POST", "/events", { contact: c.contact, name: "cart_abandoned" });
    for (const c of [buyer, hesitant, anonymous]) expect(to(c)).toEqual(["You left something in your cart"]);

    vi.setSystemTime(t0 + HOUR);
    for (const c of [buyer, hesitant, anonymous]) await runDurableObjectAlarm(c.stub);
    expect(to(buyer)).toEqual(["You left something in your cart", "Ann, your cart is waiting"]);
    expect(to(anonymous)).toEqual(["You left something in your cart", "Your cart is waiting"]);

    vi.setSystemTime(t0 + 2 * HOUR);
    await call("POST", "/events", { contact: buyer.contact, name: "purchase", properties: { amount: 42 } });
    expect(to(buyer).at(-1)).toBe("Thanks for your order of 42");

    vi.setSystemTime(t0 + 25 * HOUR);
    await runDurableObjectAlarm(hesitant.stub);
    expect(to(hesitant)).toEqual(["You left something in your cart", "Ben, your cart is waiting", "Last chance: your cart expires today"]);
    for (const c of [buyer, hesitant, anonymous]) expect((await c.stub.state()).background).toBe(0);

    const goal = (await call("GET", `/flows/${flow.uuid}/goal`)).body;
    expect(goal).toEqual({ flow_uuid: flow.uuid, event: "purchase", performers: 1, versions: [{ version: 1, entered: 3, performers: 1 }] });
  });
});

describe("a segment split on events", () => {
  it("reads the contact's event log kept by its object", async () => {
    const flow = await publishFlow(
      journey("VIP", "messaging_background", [
        {
          split: ({ next, other }) => ({
            type: "segment_audience",
            segments: [
              {
                category_uuid: next,
                match: "all",
                conditions: [{ event: "purchase", within: { amount: 30, unit: "days" }, conditions: [{ property: "amount", operator: "greater_or_equal", value: "100" }] }],
              },
            ],
            default_category_uuid: other,
          }),
          otherwise: "Thanks for shopping",
        },
        { say: "Welcome to the VIP club" },
      ]),
    );
    const [big, small] = [await journeyContact(), await journeyContact()];
    await call("POST", "/events", { contact: big.contact, name: "purchase", properties: { amount: 150 } });
    await call("POST", "/events", { contact: small.contact, name: "purchase", properties: { amount: 20 } });
    await startFor(flow.uuid, big.contact);
    await startFor(flow.uuid, small.contact);
    expect(sent.filter((m) => m.to === big.from).map((m) => m.body)).toEqual(["Welcome to the VIP club"]);
    expect(sent.filter((m) => m.to === small.from).map((m) => m.body)).toEqual(["Thanks for shopping"]);
  });
});
