import { describe, expect, it } from "vitest";
import type { ContactJSON } from "../../durable/engine";
import { listDependencies } from "../../durable/engine/flow/dependencies";
import { loadFlow } from "../../durable/engine/flow/load";
import { assets, contact, engine, manual, msgIn, ofType, texts } from "./engine-support";
import { JOURNEY, timedWaitFlow } from "./journeys-support";

// The contact reaches the wait at 2025-05-04T12:30:47.123456789Z (08:30 EDT in New York).
const due = (datetime: string | null, text = datetime ?? "") => ({ due_date: datetime === null && !text ? null : { text, ...(datetime ? { datetime } : {}) } });
const FIELD = { key: "due_date", name: "Due date" };

async function waitFor(wait: Record<string, unknown>, fields: ContactJSON["fields"]) {
  const flow = timedWaitFlow({ type: "date", field: FIELD, ...wait });
  const e = engine();
  const a = assets(flow);
  const c = contact({ timezone: "America/New_York", fields });
  const sprint = await e.start(a, manual({ uuid: JOURNEY, name: "Journey" }, c));
  return { e, a, c, sprint, due: sprint.session.wait?.resumes_on };
}

describe("wait for a date", () => {
  it("is due N days before the field's date at a time of day, in the contact's zone across DST", async () => {
    const { sprint, due: at } = await waitFor({ relative: "before", amount: 3, unit: "days", time: "09:00" }, due("2025-11-05T15:00:00Z"));
    expect(at).toBe("2025-11-02T14:00:00Z");
    expect(ofType(sprint.events, "date_wait")).toMatchObject([{ resumes_on: at, field: FIELD }]);
  });

  it("is due on the date, after it, or hours and minutes around it at the field's own time", async () => {
    expect((await waitFor({ relative: "on" }, due("2025-06-01T15:00:00Z"))).due).toBe("2025-06-01T15:00:00Z");
    expect((await waitFor({ relative: "on", time: "08:00" }, due("2025-06-01T15:00:00Z"))).due).toBe("2025-06-01T12:00:00Z");
    expect((await waitFor({ relative: "after", amount: 1, unit: "days" }, due("2025-06-01T15:00:00Z"))).due).toBe("2025-06-02T15:00:00Z");
    expect((await waitFor({ relative: "before", amount: 90, unit: "minutes" }, due("2025-06-01T15:00:00Z"))).due).toBe("2025-06-01T13:30:00Z");
    expect((await waitFor({ relative: "after", amount: 2, unit: "hours" }, due("2025-06-01T15:00:00Z"))).due).toBe("2025-06-01T17:00:00Z");
  });

  it("exits at once when the due time is already past", async () => {
    const { sprint } = await waitFor({ relative: "before", amount: 3, unit: "days" }, due("2025-05-06T12:00:00Z"));
    expect(sprint.session.status).toBe("completed");
    expect(texts(sprint.events)).toEqual(["reached at 2025-05-03T12:00:00Z"]);
  });

  it("takes the no-date exit when the field is empty, missing or not a date", async () => {
    for (const fields of [{}, due(null), due(null, "next week")]) {
      const { sprint } = await waitFor({ relative: "on" }, fields);
      expect(texts(sprint.events)).toEqual(["no date"]);
      expect(ofType(sprint.events, "run_result_changed")[0]).toMatchObject({ category: "No date", value: "" });
    }
  });

  it("every year: the next anniversary, this year's if it is still ahead, Feb 29 on Feb 28", async () => {
    expect((await waitFor({ relative: "on", time: "09:00", every_year: true }, due("1990-07-14T12:00:00Z"))).due).toBe("2025-07-14T13:00:00Z");
    expect((await waitFor({ relative: "on", time: "09:00", every_year: true }, due("1990-03-14T12:00:00Z"))).due).toBe("2026-03-14T13:00:00Z");
    expect((await waitFor({ relative: "before", amount: 1, unit: "days", every_year: true }, due("2000-02-29T17:00:00Z"))).due).toBe("2026-02-27T17:00:00Z");
  });

  it("is planned again when the field changed meanwhile: a later date waits on, an emptied one takes no-date", async () => {
    const { e, a, c, sprint, due: at } = await waitFor({ relative: "on" }, due("2025-06-01T15:00:00Z"));
    const moved = await e.resume(a, sprint.session, { type: "time_passed", resumed_on: at, contact: { ...c, fields: due("2025-06-10T15:00:00Z") } });
    expect(moved.session.status).toBe("waiting");
    expect(moved.session.wait?.resumes_on).toBe("2025-06-10T15:00:00Z");
    expect(ofType(moved.events, "date_wait")).toHaveLength(1);

    const done = await e.resume(a, moved.session, { type: "time_passed", resumed_on: "2025-06-10T15:00:00Z" });
    expect(texts(done.events)).toEqual(["reached at 2025-06-10T15:00:00Z"]);

    const emptied = await e.resume(a, sprint.session, { type: "time_passed", resumed_on: at, contact: { ...c, fields: {} } });
    expect(texts(emptied.events)).toEqual(["no date"]);
  });

  it("takes no message, and loads in a background flow with its parts checked", async () => {
    const { e, a, sprint } = await waitFor({ relative: "on" }, due("2025-06-01T15:00:00Z"));
    await expect(e.resume(a, sprint.session, { type: "msg", msg: msgIn("hi") })).rejects.toThrow("a date wait does not take a msg resume");

    const problems = (wait: Record<string, unknown>) =>
      loadFlow(timedWaitFlow({ type: "date", field: FIELD, ...wait })).problems.map((p) => p.message).join("\n");
    expect(problems({ relative: "before", amount: 2, unit: "days", time: "09:00" })).toBe("");
    expect(problems({ relative: "before" })).toContain(`"before" the date needs an amount and a unit`);
    expect(problems({ relative: "on", amount: 2, unit: "days" })).toContain(`"on" the date takes no amount or unit`);
    expect(problems({ relative: "after", amount: 2, unit: "hours", time: "09:00" })).toContain("a time of day goes with days");
    expect(problems({ relative: "on", no_date_category_uuid: "f0000000-0000-4000-8000-000000000000" })).toContain(`the "no date" category`);
  });

  it("lists its field among the flow's dependencies, so publishing names a missing one", () => {
    const loaded = loadFlow(timedWaitFlow({ type: "date", field: FIELD, relative: "on" }));
    if (!loaded.ok) throw new Error("the flow should load");
    expect(listDependencies(loaded.flow)).toContainEqual(expect.objectContaining({ type: "field", key: "due_date", name: "Due date", path: "nodes[0].router.wait.field" }));
  });
});
