// goflow's current shapes (issue #12, "Current goflow shapes"): msg triggers and resumes may carry
// their message in a msg_received event, as goflow writes them now, or as a bare msg as before;
// run_started names the flow with its revision.
import { describe, expect, it } from "vitest";
import { assets, contact, engine, EXAMPLE, manual, msgIn, ofType } from "./engine-support";

const received = (text: string, n?: number) => ({ type: "msg_received", created_on: "2025-05-04T12:30:40Z", msg: msgIn(text, n) });

describe("replay input shapes", () => {
  it("a msg trigger and a msg resume read the same in both shapes", async () => {
    const start = async (shape: "old" | "new") => {
      const base = manual(EXAMPLE, contact());
      const trigger = shape === "old" ? { ...base, type: "msg" as const, msg: msgIn("hi") } : { ...base, type: "msg" as const, event: received("hi") };
      const first = await engine().start(assets(), trigger as never);
      const resume = shape === "old" ? { type: "msg" as const, msg: msgIn("Bob", 7002) } : { type: "msg" as const, event: received("Bob", 7002) };
      const second = await engine().resume(assets(), first.session, resume as never);
      return [first.events, second.events, second.session.runs];
    };
    const [oldFirst, oldSecond, oldRuns] = await start("old");
    const [newFirst, newSecond, newRuns] = await start("new");
    expect(newFirst).toEqual(oldFirst);
    expect(newSecond).toEqual(oldSecond);
    expect(newRuns).toEqual(oldRuns);
    expect(ofType(oldSecond as never, "msg_received")[0].msg.text).toBe("Bob");
  });

  it("run_started carries the flow's revision", async () => {
    const { events } = await engine().start(assets(), manual(EXAMPLE, contact()));
    expect(ofType(events, "run_started")[0].flow).toEqual({ uuid: EXAMPLE.uuid, name: EXAMPLE.name, revision: expect.any(Number) });
  });
});
