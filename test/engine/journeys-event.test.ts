import { describe, expect, it } from "vitest";
import { loadFlow } from "../../durable/engine/flow/load";
import { assets, contact, engine, manual, msgIn, ofType, texts, u } from "./engine-support";
import { JOURNEY, timedWaitFlow } from "./journeys-support";

const TIMED_OUT = u(823);

function flow(wait: Record<string, unknown>, timeoutSeconds?: number) {
  const f = timedWaitFlow({ type: "event", ...wait, ...(timeoutSeconds ? { timeout: { seconds: timeoutSeconds, category_uuid: TIMED_OUT } } : {}) });
  if (timeoutSeconds) {
    f.nodes[0].router!.categories.push({ uuid: TIMED_OUT, name: "Timed out", exit_uuid: u(832) });
    f.nodes[0].exits.push({ uuid: u(832), destination_uuid: f.nodes[2].uuid });
  }
  return f;
}

const PURCHASE = { event: "purchase", conditions: [{ property: "amount", operator: "greater_than", value: "10" }, { property: "sku", operator: "starts_with", value: "shoe" }], save: ["amount"] };
// The contact entered the flow at 12:30:46 and reached the wait at 12:30:47.
const at = (occurred_on: string, properties: Record<string, unknown>, name = "purchase") => ({ type: "event" as const, event: { name, properties, occurred_on } });

async function waitFor(wait: Record<string, unknown>, timeoutSeconds?: number) {
  const e = engine();
  const a = assets(flow(wait, timeoutSeconds));
  const sprint = await e.start(a, manual({ uuid: JOURNEY, name: "Journey" }, contact()));
  return { e, a, sprint };
}

describe("wait for an event", () => {
  it("takes its exit on a matching event, saving the chosen properties and all of them as extra", async () => {
    const { e, a, sprint } = await waitFor(PURCHASE);
    expect(ofType(sprint.events, "event_wait")).toMatchObject([{ event: "purchase" }]);
    expect(sprint.session.wait).toEqual({ type: "event" });
    const done = await e.resume(a, sprint.session, at("2025-05-04T13:00:00Z", { amount: 25, sku: "SHOE-42" }));
    expect(done.session.status).toBe("completed");
    expect(ofType(done.events, "run_result_changed").map((r) => [r.name, r.value, r.category])).toEqual([
      ["amount", "25", ""],
      ["Waited", "purchase", "Reached"],
    ]);
    expect(ofType(done.events, "run_result_changed")[1].extra).toEqual({ amount: 25, sku: "SHOE-42" });
  });

  it("waits on for another event, one that misses a condition, or one from before it reached the wait", async () => {
    const { e, a, sprint } = await waitFor(PURCHASE);
    for (const resume of [
      at("2025-05-04T13:00:00Z", { amount: 25, sku: "shoe" }, "cart_abandoned"),
      at("2025-05-04T13:00:00Z", { amount: 5, sku: "shoe" }),
      at("2025-05-04T13:00:00Z", { amount: "lots", sku: "shoe" }),
      at("2025-05-04T13:00:00Z", { amount: 25, sku: "hat" }),
      at("2025-05-04T12:30:46.5Z", { amount: 25, sku: "shoe" }),
    ]) {
      const still = await e.resume(a, sprint.session, resume);
      expect(still.session.status).toBe("waiting");
      expect(still.events).toEqual([]);
    }
  });

  it("with since_entered, takes an event from after the contact entered the flow", async () => {
    const { e, a, sprint } = await waitFor({ ...PURCHASE, since_entered: true });
    expect((await e.resume(a, sprint.session, at("2025-05-04T12:30:46.5Z", { amount: 25, sku: "shoe" }))).session.status).toBe("completed");
    expect((await e.resume(a, sprint.session, at("2025-05-04T12:30:00Z", { amount: 25, sku: "shoe" }))).session.status).toBe("waiting");
  });

  it("times out at its timeout, and takes no message", async () => {
    const { e, a, sprint } = await waitFor(PURCHASE, 600);
    const due = sprint.session.wait?.resumes_on;
    expect(due).toBe("2025-05-04T12:40:48.123456789Z");
    expect(texts((await e.resume(a, sprint.session, { type: "time_passed", resumed_on: due })).events)).toEqual(["no date"]);
    await expect(e.resume(a, sprint.session, { type: "msg", msg: msgIn("hi") })).rejects.toThrow("an event wait does not take a msg resume");
  });

  it("checks its conditions' values when the flow loads", () => {
    expect(loadFlow(flow(PURCHASE, 60))).toMatchObject({ ok: true, problems: [] });
    const messages = (conditions: unknown[]) => loadFlow(flow({ event: "purchase", conditions })).problems.map((p) => p.message).join("\n");
    expect(messages([{ property: "sku", operator: "is_empty", value: "x" }])).toContain(`"is_empty" takes no value`);
    expect(messages([{ property: "sku", operator: "contains" }])).toContain(`"contains" needs value`);
    expect(messages([{ property: "amount", operator: "less_than", value: "ten" }])).toContain(`"less_than" compares numbers, "ten" is not one`);
  });
});
