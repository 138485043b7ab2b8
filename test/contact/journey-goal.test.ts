// A flow's goal (docs/journeys.md, "Goal"): contacts who entered the flow and then performed its goal
// event, counted by the contacts' objects per version and in total, read through GET /flows/{uuid}/goal.
import { beforeAll, describe, expect, it } from "vitest";
import { call, exampleAssets, publishFlow, twilioOutbox } from "./support";
import { journey, journeyContact, startFor } from "./journey-flows";

twilioOutbox();
beforeAll(() => exampleAssets());

const purchase = (contact: string) => call("POST", "/events", { contact, name: "purchase", properties: { amount: 20 } });
const goalOf = async (flow: string) => {
  const r = await call("GET", `/flows/${flow}/goal`);
  expect(r.status).toBe(200);
  return r.body;
};

describe("a flow's goal", () => {
  it("counts contacts who entered and then performed the event, once per version, per version and in total", async () => {
    const definition = journey("Cart", "messaging_background", [{ say: "Your cart misses you" }]);
    const flow = await publishFlow(definition, { goal: { event: "purchase" } });
    const [a, b, c] = [await journeyContact(), await journeyContact(), await journeyContact()];

    // Before entering: not a goal reached.
    await purchase(a.contact);
    await startFor(flow.uuid, a.contact);
    expect(await goalOf(flow.uuid)).toEqual({ flow_uuid: flow.uuid, event: "purchase", performers: 0, versions: [{ version: 1, entered: 1, performers: 0 }] });

    await purchase(a.contact);
    await purchase(a.contact);
    await call("POST", "/events", { contact: a.contact, name: "page_view" });
    await startFor(flow.uuid, c.contact);
    expect(await goalOf(flow.uuid)).toMatchObject({ performers: 1, versions: [{ version: 1, entered: 2, performers: 1 }] });

    // Version 2: a and b enter it and buy; a counts again for this version, but once in the total.
    const saved = await call("PATCH", `/flows/${flow.uuid}`, { definition: { ...definition, name: flow.name, nodes: journey("Cart", "messaging_background", [{ say: "Still there?" }]).nodes } });
    expect(saved.status).toBe(200);
    expect((await call("POST", `/flows/${flow.uuid}/publish`)).status).toBe(201);
    await startFor(flow.uuid, a.contact);
    await startFor(flow.uuid, b.contact);
    await purchase(a.contact);
    await purchase(b.contact);
    expect(await goalOf(flow.uuid)).toEqual({
      flow_uuid: flow.uuid,
      event: "purchase",
      performers: 2,
      versions: [
        { version: 1, entered: 2, performers: 1 },
        { version: 2, entered: 2, performers: 2 },
      ],
    });
  });

  it("has none for a flow without a goal, and a 404 for no such flow", async () => {
    const flow = await publishFlow(journey("No goal", "messaging_background", [{ say: "hi" }]));
    const c = await journeyContact();
    await startFor(flow.uuid, c.contact);
    await purchase(c.contact);
    expect(await goalOf(flow.uuid)).toEqual({ flow_uuid: flow.uuid, event: null, performers: 0, versions: [{ version: 1, entered: 1, performers: 0 }] });
    const missing = await call("GET", `/flows/${crypto.randomUUID()}/goal`);
    expect(missing.status).toBe(404);
  });
});
