// Flows have no schedule setting (docs/flow-settings.md): a flow runs on a timetable through /schedules.
import { describe, expect, it } from "vitest";
import { call, unique } from "../api/helpers";

describe("a flow's schedule setting", () => {
  it("is refused on create and update with a 400 naming it and pointing at /schedules, and changes nothing", async () => {
    const created = await call("POST", "/flows", { name: `no schedule ${unique()}`, type: "messaging", schedule: { foo: 1 } });
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ error: "validation_failed", message: expect.stringMatching(/"schedule".*\/api\/v1\/schedules/) });

    const flow = await call("POST", "/flows", { name: `no schedule ${unique()}`, type: "messaging" });
    expect(flow.status).toBe(201);
    expect(flow.body).not.toHaveProperty("schedule");

    const patched = await call("PATCH", `/flows/${flow.body.uuid}`, { name: "renamed", schedule: { kind: "daily", time: "09:00", timezone: "UTC" } });
    expect(patched.status).toBe(400);
    expect(patched.body.message).toContain('"schedule"');
    expect((await call("GET", `/flows/${flow.body.uuid}`)).body.name).toBe(flow.body.name);
  });
});
