// goflow's current shapes (issue #12): a run's path is in the session up to the sprint the run ended
// in and not repeated after; a session stored with those paths (Eddy's old shape), or without them,
// resumes the same.
import { describe, expect, it } from "vitest";
import type { SessionJSON } from "../../durable/engine";
import cases from "./cases/ended_runs.json";
import { contact, engine, ENV, msgIn, texts } from "./engine-support";

const PARENT = { uuid: "c3000000-0000-4000-8000-000000000000", name: "Parent: Colour Then Size" };
const assets = () => structuredClone(cases) as never;
const start = (e = engine()) => e.start(assets(), { type: "manual", flow: PARENT, contact: contact(), environment: ENV, triggered_on: "2025-05-04T12:30:00Z" } as never);
const pathLengths = (s: SessionJSON) => s.runs.map((r) => [r.flow.name, r.status, r.path.length]);

/** The session after the child completed and the parent asked its own question. */
async function parentWaiting() {
  const e = engine();
  const first = await start(e);
  const second = await e.resume(assets(), first.session, { type: "msg", msg: msgIn("Blue!") } as never);
  return { e, session: second.session };
}

describe("the paths of ended runs", () => {
  it("are shown in the sprint the run ends in, then no more; the running parent keeps its whole path", async () => {
    const { e, session } = await parentWaiting();
    expect(pathLengths(session)).toEqual([
      ["Parent: Colour Then Size", "waiting", 2],
      ["Child: Ask Color", "completed", 1],
    ]);
    const third = await e.resume(assets(), session, { type: "msg", msg: msgIn("Large", 7002) } as never);
    expect(pathLengths(third.session)).toEqual([
      ["Parent: Colour Then Size", "completed", 3],
      ["Child: Ask Color", "completed", 0],
    ]);
    // What the ended child left stays readable: its results and its events.
    expect(texts(third.events)).toEqual(["Large Blue it is."]);
    expect(third.session.runs[1].results.color.value).toBe("Blue");
    expect(third.session.runs[1].events?.map((x) => x.type)).toContain("run_ended");
  });

  it("a session stored with an ended run's path, or with none, resumes to the same sprint", async () => {
    const { session } = await parentWaiting();
    const withPath = structuredClone(session);
    const withoutPath = structuredClone(session);
    delete (withoutPath.runs[1] as Partial<SessionJSON["runs"][number]>).path;
    const resume = { type: "msg", msg: msgIn("Large", 7002) } as never;
    const a = await engine().resume(assets(), withPath, resume);
    const b = await engine().resume(assets(), withoutPath, resume);
    expect(b).toEqual(a);
    expect(withPath.runs[1].path).toHaveLength(1); // the caller's session is never changed
  });

  it("an interrupted session does not repeat them either", async () => {
    const { e, session } = await parentWaiting();
    const { session: ended, events } = e.interrupt(session);
    expect(pathLengths(ended)).toEqual([
      ["Parent: Colour Then Size", "interrupted", 2],
      ["Child: Ask Color", "completed", 0],
    ]);
    expect(events.map((x) => x.type)).toEqual(["run_ended"]);
  });

  it("a run still waiting at the start keeps its path while its session runs", async () => {
    const first = await start();
    expect(pathLengths(first.session)).toEqual([
      ["Parent: Colour Then Size", "active", 1],
      ["Child: Ask Color", "waiting", 1],
    ]);
  });
});
