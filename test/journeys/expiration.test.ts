// Journey waits and the flow's expiration (docs/journeys.md, "Expiration"): `expire_after_minutes` is how
// long a messaging flow waits for a reply; a pause (or a wait for a date, an event, a profile change) is
// not cut short by it, and the reply wait after it gets its full expiration, counted from when it begins.
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { call, contactObject, exampleAssets, phone, publishFlow, runsOf, twilioChannel, twilioOutbox } from "../contact/support";
import { journey, startFor } from "../contact/journey-flows";

const { sent } = twilioOutbox();
const texts = () => sent.map((s) => s.body.split("\n")[0]);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

beforeAll(() => exampleAssets());
afterEach(() => vi.useRealTimers());

describe("a journey wait and the flow's expiration", { timeout: 60_000 }, () => {
  it("a 2-hour pause in a messaging flow that expires after 5 minutes goes on; the reply wait after it expires 5 minutes after it began", async () => {
    const t0 = Date.now();
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(t0);
    const definition = {
      ...journey("Pause past expiry", "messaging", [
        { say: "Back in two hours" },
        { wait: ({ next }) => ({ type: "pause", for: { amount: 2, unit: "hours" }, category_uuid: next }) },
        { say: "Two hours on: still there?" },
        { wait: () => ({ type: "msg" }), result: "Answer" },
        { say: "Thanks" },
      ]),
      expire_after_minutes: 5,
    };
    const flow = await publishFlow(definition);
    await twilioChannel();
    const made = await call("POST", "/contacts", { urns: [`tel:${phone()}`] });
    expect(made.status).toBe(201);
    const c = { contact: made.body.uuid as string, stub: contactObject(made.body.uuid) };
    await startFor(flow.uuid, c.contact);

    // Paused: one timer, the pause's; no expiration.
    let state = await c.stub.state();
    expect(state.session?.wait).toEqual({ type: "pause", resumes_on: expect.any(String) });
    expect(state.timers.map((t: { kind: string }) => t.kind)).toEqual(["time_passed"]);

    // Long past the 5 minutes, the run still waits; at 2 hours the flow goes on.
    vi.setSystemTime(t0 + HOUR);
    await runDurableObjectAlarm(c.stub);
    expect((await runsOf(c.contact))[0]).toMatchObject({ status: "waiting" });
    vi.setSystemTime(t0 + 2 * HOUR);
    await runDurableObjectAlarm(c.stub);
    expect(texts().slice(-1)).toEqual(["Two hours on: still there?"]);

    // Now it waits for a reply, which expires 5 minutes from here.
    state = await c.stub.state();
    expect(state.session?.wait?.type).toBe("msg");
    const expiry = state.timers.find((t: { kind: string }) => t.kind === "wait_expiration");
    expect(expiry?.due_at).toBe(t0 + 2 * HOUR + 5 * MINUTE);
    vi.setSystemTime(t0 + 2 * HOUR + 5 * MINUTE);
    await runDurableObjectAlarm(c.stub);
    await expect.poll(async () => (await runsOf(c.contact))[0]?.status, { timeout: 10_000 }).toBe("expired");
    expect(texts()).not.toContain("Thanks");
    expect((await call("GET", `/runs?contact=${c.contact}`)).body.results[0].exited_on).toBeTruthy();
  });
});
