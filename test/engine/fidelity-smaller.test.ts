// Smaller differences from goflow (issue #12, point 11): @legacy_extra holds result extras, and a
// location field keeps the levels above it.
import { describe, expect, it } from "vitest";
import { assets, contact, engine, exitUUID, linearFlow, manual, msgIn, nodeUUID, ofType, u } from "./engine-support";

const F = "a9000000-0000-4000-8000-000000000000";

describe("@legacy_extra", () => {
  it("holds the trigger's params, then each result's extra, then the last webhook's JSON", async () => {
    const url = "https://example.org/a";
    const flow = linearFlow(F, "Legacy", [
      {
        actions: [
          { uuid: u(1), type: "call_webhook", method: "GET", url, result_name: "First" },
          { uuid: u(2), type: "send_msg", text: "@legacy_extra.source @legacy_extra.id @legacy_extra.plan" },
        ],
      },
    ]);
    const { events } = await engine({ [url]: [{ status: 200, body: '{"id":"42","plan":"gold"}' }] }).start(assets(flow), manual(flow, contact(), { source: "api", plan: "basic" }));
    expect(ofType(events, "msg_created")[0].msg.text).toBe("api 42 gold");
  });
});

describe("location fields", () => {
  it("a district keeps its state", async () => {
    const flow = linearFlow(F, "Where", [{ actions: [{ uuid: u(1), type: "set_contact_field", field: { key: "district", name: "District" }, value: "Gasabo" }] }]);
    const a = assets(flow);
    a.fields = [...(a.fields ?? []), { key: "district", name: "District", type: "district" }];
    a.locations = [
      { name: "Rwanda", children: [{ name: "Kigali City", children: [{ name: "Gasabo", children: [{ name: "Gisozi" }] }, { name: "Nyarugenge" }] }] },
    ];
    const { events } = await engine().start(a, manual(flow, contact()));
    expect(ofType(events, "contact_field_changed")[0].value).toEqual({ text: "Gasabo", state: "Rwanda > Kigali City", district: "Rwanda > Kigali City > Gasabo" });
  });
});

describe("sprints per session", () => {
  it("a flow that loops through a wait fails when a resume would pass goflow's 500 sprints (3 here)", async () => {
    // One node asking again and again: every reply comes back to it.
    const category = u(30);
    const flow = linearFlow(F, "Again", [
      {
        actions: [{ uuid: u(1), type: "send_msg", text: "Again?" }],
        router: { type: "switch", operand: "@input.text", wait: { type: "msg" }, cases: [], categories: [{ uuid: category, name: "All", exit_uuid: exitUUID(F, 0) }], default_category_uuid: category },
        exits: [{ uuid: exitUUID(F, 0), destination_uuid: nodeUUID(F, 0) }],
      },
    ]);
    const e = engine({}, { maxSprintsPerSession: 3 });
    let sprint = await e.start(assets(flow), manual(flow));
    for (let i = 0; i < 2; i++) sprint = await e.resume(assets(flow), sprint.session, { type: "msg", msg: msgIn(`reply ${i}`, 7100 + i) });
    expect(sprint.session.status).toBe("waiting");
    sprint = await e.resume(assets(flow), sprint.session, { type: "msg", msg: msgIn("one too many", 7200) });
    expect(ofType(sprint.events, "failure")).toEqual([expect.objectContaining({ text: "reached maximum number of sprints per session (3)", code: "sprint_limit" })]);
    expect(sprint.session.status).toBe("failed");
    expect(ofType(sprint.events, "msg_created")).toEqual([]);
  });
});
