import { describe, expect, it } from "vitest";
import { EngineError } from "../../durable/engine";
import { loadFlow } from "../../durable/engine/flow/load";
import { assets, contact, engine, manual, msgIn, ofType, texts } from "./engine-support";
import { JOURNEY, timedWaitFlow } from "./journeys-support";

// The engine's clock reads 2025-05-04T12:30:48.123456789Z when the contact reaches the pause: a
// Sunday, 08:30 in New York (EDT).
const NY = contact({ timezone: "America/New_York" });

async function pause(wait: Record<string, unknown>, c = NY) {
  const flow = timedWaitFlow({ type: "pause", ...wait });
  const e = engine();
  const a = assets(flow);
  const sprint = await e.start(a, manual({ uuid: JOURNEY, name: "Journey" }, c));
  return { e, a, sprint, due: sprint.session.wait?.resumes_on };
}

describe("pause", () => {
  it("waits calendar days in the contact's zone, so the time of day survives a DST change", async () => {
    // 200 days later is 2025-11-20, after New York went back to EST: 08:30:48 EST is 13:30:48Z.
    const { sprint, due } = await pause({ for: { amount: 200, unit: "days" } });
    expect(sprint.session.status).toBe("waiting");
    expect(due).toBe("2025-11-20T13:30:48.123456789Z");
    expect(ofType(sprint.events, "pause_wait")).toMatchObject([{ resumes_on: due }]);
    expect(ofType(sprint.events, "msg_wait")).toEqual([]);
  });

  it("counts seconds, minutes and hours as elapsed time", async () => {
    expect((await pause({ for: { amount: 90, unit: "seconds" } })).due).toBe("2025-05-04T12:32:18.123456789Z");
    expect((await pause({ for: { amount: 3, unit: "hours" } })).due).toBe("2025-05-04T15:30:48.123456789Z");
  });

  it("then waits until the next HH:MM: the same day when it is still ahead, else the next", async () => {
    expect((await pause({ for: { amount: 3, unit: "days" }, then_until: "13:00" })).due).toBe("2025-05-07T17:00:00Z");
    expect((await pause({ for: { amount: 3, unit: "days" }, then_until: "07:00" })).due).toBe("2025-05-08T11:00:00Z");
  });

  it("falls back to the environment's zone when the contact has none", async () => {
    // The environment's zone is UTC: 12:30 plus a day, then the next 13:00.
    expect((await pause({ for: { amount: 1, unit: "days" }, then_until: "13:00" }, contact())).due).toBe("2025-05-05T13:00:00Z");
  });

  it("waits until a weekday and time, or the next time, or the next weekday's start", async () => {
    expect((await pause({ weekdays: ["mon"], time: "13:00" })).due).toBe("2025-05-05T17:00:00Z");
    // Sunday 08:30 local: "until Sunday 09:00" is in half an hour, "until Sunday 08:00" a week away.
    expect((await pause({ weekdays: ["sun"], time: "09:00" })).due).toBe("2025-05-04T13:00:00Z");
    expect((await pause({ weekdays: ["sun"], time: "08:00" })).due).toBe("2025-05-11T12:00:00Z");
    expect((await pause({ time: "08:00" })).due).toBe("2025-05-05T12:00:00Z");
    expect((await pause({ weekdays: ["wed", "fri"] })).due).toBe("2025-05-07T04:00:00Z");
  });

  it("waits until a date-time an expression gives, read in the contact's zone", async () => {
    // An expression's datetime is taken as it is: created 2025-01-01T10:00Z, 200 days on in its own zone (UTC).
    expect((await pause({ until: '@(datetime_add(contact.created_on, 200, "D"))' })).due).toBe("2025-07-20T10:00:00Z");
    // Text is read in the environment's date order, at its time in the contact's zone (EDT).
    expect((await pause({ until: "01-07-2025 09:15" })).due).toBe("2025-07-01T13:15:00Z");
  });

  it("goes on at once when the date-time is past, or is not one (with an error saying so)", async () => {
    const past = await pause({ until: "2025-01-01T00:00:00Z" });
    expect(past.sprint.session.status).toBe("completed");
    expect(texts(past.sprint.events)).toEqual(["reached at 2025-01-01T00:00:00Z"]);

    const bad = await pause({ until: "@fields.nothing" });
    expect(bad.sprint.session.status).toBe("completed");
    expect(ofType(bad.sprint.events, "error").map((e) => e.text)).toContain(`the pause's "until" (@fields.nothing) is not a date-time`);
  });

  it("resumes on time_passed at its due time and takes its exit", async () => {
    const { e, a, sprint, due } = await pause({ for: { amount: 2, unit: "days" } });
    const resumed = await e.resume(a, sprint.session, { type: "time_passed", resumed_on: due });
    expect(resumed.session.status).toBe("completed");
    expect(texts(resumed.events)).toEqual([`reached at ${due}`]);
  });

  it("refuses a time_passed before the due time, a message, or a wait_timeout, changing nothing", async () => {
    const { e, a, sprint } = await pause({ for: { amount: 2, unit: "days" } });
    const before = JSON.stringify(sprint.session);
    await expect(e.resume(a, sprint.session, { type: "time_passed", resumed_on: "2025-05-05T00:00:00Z" })).rejects.toThrow("the pause ends at 2025-05-06T12:30:48.123456789Z, not before");
    await expect(e.resume(a, sprint.session, { type: "msg", msg: msgIn("hello") })).rejects.toThrow(EngineError);
    await expect(e.resume(a, sprint.session, { type: "wait_timeout" })).rejects.toThrow("a pause wait does not take a wait_timeout resume");
    expect(JSON.stringify(sprint.session)).toBe(before);
  });

  it("ends expired on wait_expiration, as any wait does", async () => {
    const { e, a, sprint } = await pause({ for: { amount: 2, unit: "days" } });
    const expired = await e.resume(a, sprint.session, { type: "wait_expiration" });
    expect(expired.session.runs[0].status).toBe("expired");
    expect(texts(expired.events)).toEqual([]);
  });

  it("loads in a background flow, and names what is wrong with a pause that says too much or too little", () => {
    expect(loadFlow(timedWaitFlow({ type: "pause", for: { amount: 1, unit: "days" } }))).toMatchObject({ ok: true, problems: [] });
    const both = loadFlow(timedWaitFlow({ type: "pause", for: { amount: 1, unit: "days" }, until: "@fields.x" }));
    expect(both.problems.map((p) => p.message)).toEqual([expect.stringContaining(`a pause needs exactly one of "for", "weekdays"/"time" or "until" (it has for, until)`)]);
    const none = loadFlow(timedWaitFlow({ type: "pause" }));
    expect(none.ok).toBe(false);
    const badTime = loadFlow(timedWaitFlow({ type: "pause", time: "25:00" }));
    expect(badTime.problems.map((p) => p.message).join()).toContain("must be a time of day like 09:30");
    const offline = loadFlow(timedWaitFlow({ type: "pause", for: { amount: 1, unit: "days" } }, "messaging_offline"));
    expect(offline.problems.map((p) => p.message).join()).toContain("an offline flow cannot pause");
  });
});
