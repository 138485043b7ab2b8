// The journeys' waits keep the contact object's per-invocation budget (durable/contact/budget.ts):
// one event answering many waiting sessions resumes them over several invocations, each within it.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { limits } from "../../durable/contact/budget";
import { subrequests, takeInvocations } from "../limits/count";
import { countContactInvocations } from "./entry-points";
import { journey, journeyContact, startFor } from "./journey-flows";
import { call, publishFlow, twilioOutbox } from "./support";

const { sent } = twilioOutbox();
beforeAll(() => countContactInvocations());
const defaults = { ...limits };
afterEach(() => Object.assign(limits, defaults));

describe("waits resumed by one event", () => {
  it("resume within the budget of each invocation, the rest in the alarms that follow, each once", async () => {
    const flow = await publishFlow(
      journey("Signup", "messaging_background", [
        { wait: ({ next }) => ({ type: "event", event: "signup", category_uuid: next }) },
        { say: "Welcome aboard" },
      ]),
    );
    const c = await journeyContact();
    for (let i = 0; i < 6; i++) await startFor(flow.uuid, c.contact);
    expect((await c.stub.state()).background).toBe(6);
    takeInvocations();

    limits.subrequests = 40;
    await call("POST", "/events", { contact: c.contact, name: "signup" });
    // Re-armed at once while waits are left (the runtime may run it before the test does).
    for (let i = 0; i < 50 && (await c.stub.state()).background > 0; i++) {
      if (!(await runDurableObjectAlarm(c.stub))) await scheduler.wait(20);
    }
    expect((await c.stub.state()).background).toBe(0);
    expect(sent.map((s) => s.body)).toEqual(Array(6).fill("Welcome aboard"));

    const mine = takeInvocations().filter((u) => u.contact === c.contact);
    const working = mine.filter((u) => u.fetches > 0);
    expect(working.length).toBeGreaterThanOrEqual(2);
    for (const u of mine) expect(subrequests(u)).toBeLessThanOrEqual(40);
  }, 30_000);
});
