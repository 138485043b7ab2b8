import { describe, expect, it } from "vitest";
import { Engine, replayServices } from "../../durable/engine";
import { assets, contact, engine, exitUUID, linearFlow, manual, msgIn, nodeUUID, ofType, START, texts, types, u } from "./engine-support";

const PARENT = "b0000000-0000-4000-8000-000000000000";
const CHILD = "c0000000-0000-4000-8000-000000000000";

/** A node that enters the child flow and routes on how it ended, as the editor builds it. */
function enterNode(terminal: boolean) {
  return {
    actions: [{ uuid: u(301), type: "enter_flow", flow: { uuid: CHILD, name: "Child" }, terminal }],
    router: {
      type: "switch",
      operand: "@child.run.status",
      cases: [
        { uuid: u(311), type: "has_only_text", arguments: ["completed"], category_uuid: u(321) },
        { uuid: u(312), type: "has_only_text", arguments: ["expired"], category_uuid: u(322) },
      ],
      categories: [
        { uuid: u(321), name: "Complete", exit_uuid: u(331) },
        { uuid: u(322), name: "Expired", exit_uuid: u(332) },
      ],
      default_category_uuid: u(322),
    },
    exits: [
      { uuid: u(331), destination_uuid: nodeUUID(PARENT, 2) },
      { uuid: u(332), destination_uuid: nodeUUID(PARENT, 3) },
    ],
  };
}

function parentFlow(terminal = false) {
  return linearFlow(PARENT, "Parent", [
    { actions: [{ uuid: u(300), type: "set_run_result", name: "Origin", value: "parent" }] },
    enterNode(terminal),
    { actions: [{ uuid: u(302), type: "send_msg", text: "Back in @run.flow.name: child chose @child.results.color, status @child.status" }], exits: [{ uuid: u(341) }] },
    { actions: [{ uuid: u(303), type: "send_msg", text: "The child expired" }], exits: [{ uuid: u(342) }] },
  ]);
}

const childFlow = linearFlow(CHILD, "Child", [
  {
    actions: [{ uuid: u(401), type: "send_msg", text: "Color? (from @parent.flow.name, origin @parent.results.origin)" }],
    router: {
      type: "switch",
      operand: "@input.text",
      result_name: "Color",
      wait: { type: "msg" },
      cases: [{ uuid: u(411), type: "has_any_word", arguments: ["red blue"], category_uuid: u(421) }],
      categories: [
        { uuid: u(421), name: "Known", exit_uuid: exitUUID(CHILD, 0) },
        { uuid: u(422), name: "Other", exit_uuid: exitUUID(CHILD, 0) },
      ],
      default_category_uuid: u(422),
    },
  },
]);

describe("sub-flows", () => {
  it("runs the child with @parent, then the parent carries on with @child", async () => {
    const e = engine();
    const a = assets(parentFlow(), childFlow);
    const first = await e.start(a, manual(parentFlow()));
    expect(texts(first.events)).toEqual(["Color? (from Parent, origin parent)"]);
    const started = ofType(first.events, "run_started");
    expect(started.map((s) => s.flow.name)).toEqual(["Parent", "Child"]);
    expect(started[1]).toMatchObject({ parent_run_uuid: first.session.runs[0].uuid });
    expect(first.session.runs.map((r) => [r.flow.name, r.status])).toEqual([
      ["Parent", "active"],
      ["Child", "waiting"],
    ]);
    expect(first.session.runs[1].parent_uuid).toBe(first.session.runs[0].uuid);

    const second = await e.resume(a, first.session, { type: "msg", msg: msgIn("blue please") });
    expect(texts(second.events)).toEqual(["Back in Parent: child chose blue, status completed"]);
    expect(ofType(second.events, "run_ended").map((r) => [r.flow.name, r.status])).toEqual([
      ["Child", "completed"],
      ["Parent", "completed"],
    ]);
    expect(second.session.status).toBe("completed");
  });

  it("takes the parent's Expired exit when the child expires", async () => {
    const e = engine();
    const a = assets(parentFlow(), childFlow);
    const first = await e.start(a, manual(parentFlow()));
    const second = await e.resume(a, first.session, { type: "wait_expiration" });
    expect(texts(second.events)).toEqual(["The child expired"]);
    expect(second.session.runs.map((r) => r.status)).toEqual(["completed", "expired"]);
  });

  it("terminal: the parent completes when the child starts and never comes back", async () => {
    const e = engine();
    const a = assets(parentFlow(true), childFlow);
    const first = await e.start(a, manual(parentFlow(true)));
    expect(first.session.runs.map((r) => r.status)).toEqual(["completed", "waiting"]);
    expect(ofType(first.events, "run_started")[1]).toMatchObject({ terminal: true });
    const second = await e.resume(a, first.session, { type: "msg", msg: msgIn("red") });
    expect(texts(second.events)).toEqual([]);
    expect(second.session.status).toBe("completed");
    expect(second.session.runs.map((r) => r.status)).toEqual(["completed", "completed"]);
  });

  it("has no sub-flow depth limit of its own: a flow entering itself runs into the step limit (goflow)", async () => {
    const LOOP = "d0000000-0000-4000-8000-000000000000";
    const loop = linearFlow(LOOP, "Recursive", [{ actions: [{ uuid: u(501), type: "enter_flow", flow: { uuid: LOOP, name: "Recursive" } }] }]);
    const sprint = await engine().start(assets(loop), manual(loop));
    expect(sprint.session.status).toBe("failed");
    expect(sprint.session.runs.length).toBeGreaterThan(10);
    expect(ofType(sprint.events, "failure")[0].text).toBe("reached maximum number of steps per sprint (100)");
    expect(sprint.session.runs.every((r) => r.status === "failed")).toBe(true);
  });
});

describe("limits and failures", () => {
  it("a loop without a wait hits the step limit and fails with its reason", async () => {
    const LOOP = "e0000000-0000-4000-8000-000000000000";
    const loop = linearFlow(LOOP, "Loop", [
      {
        actions: [{ uuid: u(601), type: "set_run_local", local: "n", value: "1", operation: "increment" }],
        exits: [{ uuid: exitUUID(LOOP, 0), destination_uuid: nodeUUID(LOOP, 0) }],
      },
    ]);
    const sprint = await engine().start(assets(loop), manual(loop));
    const failure = ofType(sprint.events, "failure");
    expect(failure).toHaveLength(1);
    expect(failure[0].text).toBe("reached maximum number of steps per sprint (100)");
    expect(sprint.session.status).toBe("failed");
    expect(sprint.session.runs[0].status).toBe("failed");
    expect(sprint.session.runs[0].path).toHaveLength(100);
    expect(sprint.session.runs[0].locals).toEqual({ n: "100" });
    // A lower limit can be configured.
    const small = await engine({}, { maxStepsPerSprint: 5 }).start(assets(loop), manual(loop));
    expect(small.session.runs[0].path).toHaveLength(5);
  });

  it("an action Eddy doesn't run loads with its flow and fails the run when reached", async () => {
    const F = "f0000000-0000-4000-8000-000000000000";
    const flow = linearFlow(F, "LLM", [
      { actions: [{ uuid: u(701), type: "send_msg", text: "Thinking..." }] },
      { actions: [{ uuid: u(702), type: "call_llm", llm: { uuid: u(703), name: "GPT" }, instructions: "x", input: "@input", output_local: "_llm_output" }] },
      { actions: [{ uuid: u(704), type: "send_msg", text: "never" }] },
    ]);
    const sprint = await engine().start(assets(flow), manual(flow));
    expect(texts(sprint.events)).toEqual(["Thinking..."]);
    expect(types(sprint.events).slice(-2)).toEqual(["failure", "run_ended"]);
    expect(ofType(sprint.events, "failure")[0].text).toBe(`action type 'call_llm' is not supported by Eddy (action ${u(702)})`);
    expect(ofType(sprint.events, "failure")[0].step_uuid).toBe(sprint.session.runs[0].path[1].uuid);
    expect(sprint.session).toMatchObject({ status: "failed", runs: [{ status: "failed" }] });
  });
});

describe("routers and waits", () => {
  const Q = "90000000-0000-4000-8000-000000000000";
  const question = (i: number, text: string, result: string) => ({
    actions: [{ uuid: u(800 + i), type: "send_msg", text }],
    router: {
      type: "switch",
      operand: "@input.text",
      result_name: result,
      wait: { type: "msg" },
      categories: [{ uuid: u(810 + i), name: "All Responses", exit_uuid: exitUUID(Q, i) }],
      default_category_uuid: u(810 + i),
    },
  });
  const twoQuestions = linearFlow(Q, "Two Questions", [question(0, "Name?", "Name"), question(1, "Hi @results.name! Age?", "Age"), { actions: [{ uuid: u(820), type: "send_msg", text: "@results.name is @results.age" }] }]);

  it("a message trigger answers the first wait only; later ones wait", async () => {
    const e = engine();
    const t = { ...manual(twoQuestions), type: "msg" as const, msg: msgIn("Ada") };
    const first = await e.start(assets(twoQuestions), t);
    expect(texts(first.events)).toEqual(["Name?", "Hi Ada! Age?"]);
    expect(ofType(first.events, "msg_wait")).toHaveLength(1);
    expect(first.session.status).toBe("waiting");
    const second = await e.resume(assets(twoQuestions), first.session, { type: "msg", msg: msgIn("36", 7002) });
    expect(texts(second.events)).toEqual(["Ada is 36"]);
    expect(second.session.runs[0].results).toMatchObject({ name: { value: "Ada", category: "All Responses" }, age: { value: "36" } });
  });

  it("a manual start waits at the first question", async () => {
    const first = await engine().start(assets(twoQuestions), manual(twoQuestions));
    expect(texts(first.events)).toEqual(["Name?"]);
    expect(first.session.wait).toEqual({ type: "msg", expires_on: expect.any(String) });
  });

  it("a timeout resume is refused when the wait has no timeout", async () => {
    const first = await engine().start(assets(twoQuestions), manual(twoQuestions));
    await expect(engine().resume(assets(twoQuestions), first.session, { type: "wait_timeout" })).rejects.toThrow(/no timeout/);
  });

  it("the random router draws from the injected source and records the draw", async () => {
    const R = "91000000-0000-4000-8000-000000000000";
    const flow = linearFlow(R, "Random", [
      {
        actions: [],
        router: {
          type: "random",
          result_name: "Bucket",
          categories: [
            { uuid: u(901), name: "A", exit_uuid: u(911) },
            { uuid: u(902), name: "B", exit_uuid: u(912) },
          ],
        },
        exits: [{ uuid: u(911) }, { uuid: u(912) }],
      },
    ]);
    const results = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map(async (seed) => {
        const s = await new Engine(replayServices({ start: START, seed })).start(assets(flow), manual(flow));
        return s.session.runs[0].results.bucket;
      }),
    );
    for (const r of results) expect(Number(r.value)).toBeGreaterThanOrEqual(0);
    for (const r of results) expect(r.category).toBe(Number(r.value) < 0.5 ? "A" : "B");
    expect(new Set(results.map((r) => r.category))).toEqual(new Set(["A", "B"]));
  });

  it("case arguments are templates and are localized", async () => {
    const S = "92000000-0000-4000-8000-000000000000";
    const flow = linearFlow(
      S,
      "Yes No",
      [
        {
          actions: [],
          router: {
            type: "switch",
            operand: "@trigger.params.answer",
            result_name: "Answer",
            cases: [{ uuid: u(951), type: "has_any_word", arguments: ["yes @fields.nickname"], category_uuid: u(961) }],
            categories: [
              { uuid: u(961), name: "Yes", exit_uuid: u(971) },
              { uuid: u(962), name: "Other", exit_uuid: u(972) },
            ],
            default_category_uuid: u(962),
          },
          exits: [{ uuid: u(971) }, { uuid: u(972) }],
        },
      ],
      { localization: { spa: { [u(951)]: { arguments: ["si"] }, [u(961)]: { name: ["Sí"] } } } },
    );
    const c = contact({ fields: { nickname: { text: "yep" } } });
    const eng = await engine().start(assets(flow), manual(flow, c, { answer: "Yep!" }));
    expect(eng.session.runs[0].results.answer).toMatchObject({ value: "Yep", category: "Yes", input: "Yep!" });
    const spa = await engine().start(assets(flow), manual(flow, { ...c, language: "spa" }, { answer: "si" }));
    expect(spa.session.runs[0].results.answer).toMatchObject({ value: "si", category: "Yes", category_localized: "Sí" });
  });
});

describe("sessions started by other sessions, and interruptions", () => {
  const F = "93000000-0000-4000-8000-000000000000";
  const flow = linearFlow(F, "Started", [
    { actions: [{ uuid: u(990), type: "send_msg", text: "@parent.contact.name scored @parent.results.score in @parent.flow.name (@trigger.type)" }] },
  ]);

  it("a flow_action trigger makes the starting run @parent", async () => {
    const parentContact = contact({ uuid: u(5002), name: "Ann Parent" });
    const t = {
      type: "flow_action" as const,
      flow: { uuid: F, name: "Started" },
      contact: contact(),
      environment: null,
      run_summary: {
        uuid: u(6001),
        flow: { uuid: u(6002), name: "Quiz" },
        contact: parentContact,
        status: "active",
        results: { score: { name: "Score", value: "9", node_uuid: u(6003), created_on: "2025-05-04T12:00:00Z" } },
      },
      history: { parent_uuid: u(6004), ancestors: 1, ancestors_since_input: 0 },
    };
    const sprint = await engine().start(assets(flow), t);
    expect(texts(sprint.events)).toEqual(["Ann Parent scored 9 in Quiz (flow_action)"]);
    expect(sprint.session.trigger).toEqual(t);
  });

  it("interrupt ends the open runs and the session", async () => {
    const e = engine();
    const a = assets(parentFlow(), childFlow);
    const first = await e.start(a, manual(parentFlow()));
    const stopped = e.interrupt(first.session);
    expect(types(stopped.events)).toEqual(["run_ended", "run_ended"]);
    expect(stopped.session.status).toBe("interrupted");
    expect(stopped.session.runs.map((r) => r.status)).toEqual(["interrupted", "interrupted"]);
    expect(stopped.session.wait).toBeUndefined();
    expect(() => e.interrupt(stopped.session)).toThrow(/interrupted session/);
  });
});
