// enter_flow across flow types (issue #12, point 6): goflow fails the run when the entered flow's
// type differs from the session's, unless the entered flow is a background flow; validation of an
// export reports the pair.
import { describe, expect, it } from "vitest";
import { loadExport } from "../../durable/engine/flow/load";
import { assets, contact, engine, linearFlow, manual, ofType, types, u } from "./engine-support";

const BG = "a5000000-0000-4000-8000-000000000000";
const MSG = "a5100000-0000-4000-8000-000000000000";
const MSG2 = "a5200000-0000-4000-8000-000000000000";

const enter = (uuid: string, name: string) => ({ uuid: u(2), type: "enter_flow", flow: { uuid, name } });
const waiting = {
  type: "switch",
  operand: "@input.text",
  wait: { type: "msg" },
  cases: [],
  categories: [{ uuid: u(41), name: "All", exit_uuid: u(42) }],
  default_category_uuid: u(41),
};
const messaging = linearFlow(MSG, "Survey", [{ actions: [{ uuid: u(3), type: "send_msg", text: "Question?" }], router: waiting, exits: [{ uuid: u(42) }] }]);
const background = linearFlow(BG, "Nightly", [{ actions: [{ uuid: u(1), type: "set_run_result", name: "Ran", value: "yes" }, enter(MSG, "Survey")] }], {
  type: "messaging_background",
});
const fromMessaging = linearFlow(MSG2, "Welcome", [{ actions: [enter(BG, "Nightly")] }]);

describe("enter_flow across types", () => {
  it("a background session entering a messaging flow fails its run with goflow's message", async () => {
    const { events, session } = await engine().start(assets(background, messaging), manual(background, contact()));
    expect(ofType(events, "failure").map((e) => e.text)).toEqual([`can't enter flow[uuid=${MSG},name=Survey] of type messaging from type messaging_background`]);
    expect(ofType(events, "failure")[0].code).toBe("flow_type");
    expect(types(events)).not.toContain("msg_created");
    expect(session.status).toBe("failed");
    expect(session.runs).toHaveLength(1);
  });

  it("a messaging session may enter a background flow (which then fails entering the messaging one)", async () => {
    const { events, session } = await engine().start(assets(background, messaging, fromMessaging), manual(fromMessaging, contact()));
    // The session is a messaging one, so the background flow's enter_flow into Survey is allowed.
    expect(session.runs.map((r) => r.flow.name)).toEqual(["Welcome", "Nightly", "Survey"]);
    expect(ofType(events, "msg_created")).toHaveLength(1);
    expect(session.status).toBe("waiting");
  });

  it("validation of an export reports a background flow entering a messaging flow, and the export still loads", () => {
    const loaded = loadExport({ version: "13", flows: [background, messaging, fromMessaging] });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const [bg, msg, welcome] = loaded.flows;
    expect(bg.problems).toEqual([
      expect.objectContaining({ level: "error", action_uuid: u(2), message: expect.stringContaining('a background flow cannot enter "Survey", a messaging flow') }),
    ]);
    expect(msg.problems).toEqual([]);
    expect(welcome.problems).toEqual([]);
  });
});
