// goflow's current shapes (issue #12, "Current goflow shapes"): msg triggers and resumes may carry
// their message in a msg_received event, as goflow writes them now, or as a bare msg as before;
// run_started names the flow with its revision.
import { describe, expect, it } from "vitest";
import { assets, contact, engine, EXAMPLE, linearFlow, manual, msgIn, ofType, u } from "./engine-support";

const received = (text: string, n?: number) => ({ type: "msg_received", created_on: "2025-05-04T12:30:40Z", msg: msgIn(text, n) });

describe("replay input shapes", () => {
  it("a msg trigger and a msg resume read the same in both shapes", async () => {
    const start = async (shape: "old" | "new") => {
      const base = manual(EXAMPLE, contact());
      const trigger = shape === "old" ? { ...base, type: "msg" as const, msg: msgIn("hi") } : { ...base, type: "msg" as const, event: received("hi") };
      const first = await engine().start(assets(), trigger as never);
      const resume = shape === "old" ? { type: "msg" as const, msg: msgIn("Bob", 7002) } : { type: "msg" as const, event: received("Bob", 7002) };
      const second = await engine().resume(assets(), first.session, resume as never);
      return [first.events, second.events, second.session.runs] as const;
    };
    const [oldFirst, oldSecond, oldRuns] = await start("old");
    const [newFirst, newSecond, newRuns] = await start("new");
    expect(newFirst).toEqual(oldFirst);
    expect(newSecond).toEqual(oldSecond);
    expect(newRuns).toEqual(oldRuns);
    // The resume logs the message on its run only: the sprint's events leave it out, as goflow's do.
    expect(ofType(oldSecond, "msg_received")).toEqual([]);
    expect(ofType(oldRuns[0].events ?? [], "msg_received")[0].msg.text).toBe("Bob");
  });

  it("run_started carries the flow's revision", async () => {
    const { events } = await engine().start(assets(), manual(EXAMPLE, contact()));
    expect(ofType(events, "run_started")[0].flow).toEqual({ uuid: EXAMPLE.uuid, name: EXAMPLE.name, revision: expect.any(Number) });
  });

  it("run_result_changed carries the result it replaces as previous, and none the first time", async () => {
    const set = (value: string, category: string) => ({ uuid: u(8000 + Number(value)), type: "set_run_result", name: "Score", value, category });
    const flow = linearFlow(u(8100), "Results twice", [{ actions: [set("1", "Low")] }, { actions: [set("2", "")] }]);
    const { events } = await engine().start(assets(flow), manual(flow));
    const changes = ofType(events, "run_result_changed");
    expect(changes[0]).not.toHaveProperty("previous");
    expect(changes[1]).toMatchObject({ value: "2", previous: { value: "1", category: "Low" } });
  });

  it("error events carry a code naming their cause", async () => {
    const flow = linearFlow(u(8200), "Errors", [
      {
        actions: [
          { uuid: u(8201), type: "set_contact_name", name: "@(1 / 0)" },
          { uuid: u(8202), type: "add_contact_groups", groups: [{ uuid: u(8299), name: "Nowhere" }] },
          { uuid: u(8203), type: "add_contact_groups", groups: [{ uuid: u(9103), name: "Adults" }] },
          { uuid: u(8204), type: "set_contact_language", language: "english" },
        ],
      },
    ]);
    const { events } = await engine().start(assets(flow), manual(flow));
    expect(ofType(events, "error").map((e) => e.code)).toEqual(["template", "missing_dependency", "query_group", "invalid_value"]);
  });

  it("quick replies are goflow's objects in msg_created, whether the definition writes texts or objects", async () => {
    const flow = linearFlow(u(8300), "Quick replies", [
      {
        actions: [
          { uuid: u(8301), type: "send_msg", text: "Pick", quick_replies: ["Yes", { type: "text", text: "No @contact.first_name" }, { type: "location" }] },
        ],
      },
    ]);
    const { events } = await engine().start(assets(flow), manual(flow));
    expect(ofType(events, "msg_created")[0].msg.quick_replies).toEqual([{ type: "text", text: "Yes" }, { type: "text", text: "No Ben" }, { type: "location" }]);
  });

  it("a broadcast's translations carry their quick replies as goflow's objects too", async () => {
    const flow = linearFlow(u(8400), "Broadcast", [
      { actions: [{ uuid: u(8401), type: "send_broadcast", text: "Come?", quick_replies: ["Yes", "No"], urns: ["tel:+12065550000"] }] },
    ]);
    const { events } = await engine().start(assets(flow), manual(flow));
    expect(ofType(events, "broadcast_created")[0].translations.eng.quick_replies).toEqual([{ type: "text", text: "Yes" }, { type: "text", text: "No" }]);
  });
});
