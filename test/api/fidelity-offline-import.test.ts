// Issue #12 point 8: a messaging_offline (Surveyor) flow imports, as goflow loads it, though Eddy
// cannot start one: publishing says so, and a start skips each contact naming why.
import { describe, expect, it } from "vitest";
import { call, unique } from "./helpers";

describe("an offline flow in an export", () => {
  it("imports, publishes with a warning, and is never started", async () => {
    const uuid = crypto.randomUUID();
    const flow = {
      uuid, name: `Survey ${unique()}`, spec_version: "13.1.0", language: "eng", type: "messaging_offline",
      nodes: [{ uuid: crypto.randomUUID(), actions: [{ uuid: crypto.randomUUID(), type: "set_run_result", name: "Seen", value: "yes", category: "" }], exits: [{ uuid: crypto.randomUUID() }] }],
    };
    const imported = await call("POST", "/flows/import", { version: "13", flows: [flow] });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.flows[0]).toMatchObject({ uuid, created: true, problems: [expect.objectContaining({ level: "warning", message: expect.stringContaining("offline") })] });
    expect((await call("GET", `/flows/${uuid}`)).body).toMatchObject({ type: "messaging_offline" });

    const published = await call("POST", `/flows/${uuid}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining("does not start offline") })]));

    const contact = (await call("POST", "/contacts", { name: "Sam" })).body.uuid;
    const started = await call("POST", `/flows/${uuid}/start`, { contacts: [contact] });
    expect(started.body.results).toEqual([{ contact, status: "skipped", reason: expect.stringContaining("offline (Surveyor) flow") }]);
  });

  it("a voice flow is still refused, naming the flow", async () => {
    const flow = { uuid: crypto.randomUUID(), name: "Call", spec_version: "13.1.0", language: "eng", type: "voice", nodes: [] };
    const r = await call("POST", "/flows/import", { version: "13", flows: [flow] });
    expect(r.status).toBe(400);
    expect(r.body.issues).toEqual([expect.objectContaining({ path: "flows.0.type", message: expect.stringContaining("not voice") })]);
  });
});
