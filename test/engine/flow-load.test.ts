import { describe, expect, it } from "vitest";
import { listDependencies } from "../../durable/engine/flow/dependencies";
import { loadFlow, type FlowProblem } from "../../durable/engine/flow/load";
import example from "./flows/example-flow.json";

type Json = Record<string, any>;

/** A UUID that reads as its number: u(12) = 00000000-0000-4000-8000-000000000012. */
const u = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

const N1 = u(1);
const N2 = u(2);

/** Node 1 asks a question and waits (timeout to "No Response"); node 2 says thanks. */
function flow(): Json {
  return {
    uuid: u(999),
    name: "Test",
    spec_version: "14.4.0",
    language: "eng",
    type: "messaging",
    nodes: [
      {
        uuid: N1,
        actions: [{ uuid: u(101), type: "send_msg", text: "Yes or no?", quick_replies: ["Yes", "No"] }],
        router: {
          type: "switch",
          operand: "@input.text",
          result_name: "Answer",
          wait: { type: "msg", timeout: { seconds: 600, category_uuid: u(203) } },
          cases: [{ uuid: u(301), type: "has_any_word", arguments: ["yes"], category_uuid: u(201) }],
          categories: [
            { uuid: u(201), name: "Yes", exit_uuid: u(401) },
            { uuid: u(202), name: "Other", exit_uuid: u(402) },
            { uuid: u(203), name: "No Response", exit_uuid: u(403) },
          ],
          default_category_uuid: u(202),
        },
        exits: [
          { uuid: u(401), destination_uuid: N2 },
          { uuid: u(402), destination_uuid: N1 },
          { uuid: u(403), destination_uuid: null },
        ],
      },
      {
        uuid: N2,
        actions: [{ uuid: u(102), type: "send_msg", text: "Thanks" }],
        exits: [{ uuid: u(404) }],
      },
    ],
  };
}

const errors = (json: unknown) => {
  const result = loadFlow(json);
  expect(result.ok).toBe(false);
  return result.problems;
};

/** The problem expected at a node, or at an action ([uuid, type]) on it. */
const problem = (
  node_uuid: string,
  path: string,
  message: string,
  { action, level = "error" }: { action?: [string, string]; level?: FlowProblem["level"] } = {},
): FlowProblem => ({
  level,
  node_uuid,
  ...(action ? { action_uuid: action[0] } : {}),
  path,
  message: `node ${node_uuid}${action ? `, action ${action[0]} (${action[1]})` : ""}: ${message}`,
});

describe("loading a flow", () => {
  it("loads the shared example flow without a problem", () => {
    const result = loadFlow(example);
    expect(result).toMatchObject({ ok: true, problems: [] });
    if (result.ok) {
      expect(result.flow.nodes).toHaveLength(4);
      expect(result.flow._ui).toEqual(example._ui);
    }
  });

  it("loads the test fixture without a problem", () => {
    expect(loadFlow(flow())).toMatchObject({ ok: true, problems: [] });
  });

  it("loads an action type it does not know, with a warning that a run reaching it fails (#12)", () => {
    const f = flow();
    f.nodes[1].actions.push({ uuid: u(103), type: "send_hologram", intensity: 3 });
    const result = loadFlow(f);
    expect(result).toMatchObject({ ok: true, problems: [{ level: "warning", action_uuid: u(103), message: expect.stringContaining("Eddy does not know send_hologram actions") }] });
    if (result.ok) expect(result.flow.nodes[1].actions[1]).toEqual({ uuid: u(103), type: "send_hologram", intensity: 3 });
  });

  it("warns about goflow actions that Eddy does not run, and still loads", () => {
    const f = flow();
    f.nodes[1].actions.push({ uuid: u(103), type: "call_llm", llm: { uuid: u(900), name: "GPT" }, instructions: "Translate", input: "@input", output_local: "_llm_output" });
    expect(loadFlow(f)).toMatchObject({
      ok: true,
      problems: [
        {
          level: "warning",
          node_uuid: N2,
          action_uuid: u(103),
          path: "nodes[1].actions[1].type",
          message: `node ${N2}, action ${u(103)} (call_llm): Eddy does not run call_llm actions; a run that reaches it fails`,
        },
      ],
    });
  });

  it("warns about a router test it does not know", () => {
    const f = flow();
    f.nodes[0].router.cases[0].type = "has_mood";
    expect(loadFlow(f)).toMatchObject({
      ok: true,
      problems: [problem(N1, "nodes[0].router.cases[0].type", `case ${u(301)} uses the test has_mood, which Eddy does not know; a run that reaches it fails`, { level: "warning" })],
    });
  });

  it("warns that Eddy does not run voice flows", () => {
    const f = flow();
    f.type = "voice";
    expect(loadFlow(f)).toMatchObject({ ok: true, problems: [{ level: "warning", path: "type", message: "Eddy does not run voice flows" }] });
  });
});

describe("broken references", () => {
  it("an exit to a node that does not exist", () => {
    const f = flow();
    f.nodes[1].exits[0].destination_uuid = u(77);
    expect(errors(f)).toEqual([problem(N2, "nodes[1].exits[0].destination_uuid", `exit ${u(404)} leads to node ${u(77)}, which does not exist`)]);
  });

  it("a category whose exit is not on the node", () => {
    const f = flow();
    f.nodes[0].router.categories[1].exit_uuid = u(77);
    expect(errors(f)).toEqual([problem(N1, "nodes[0].router.categories[1].exit_uuid", `category "Other" uses exit ${u(77)}, which is not on this node`)]);
  });

  it("a case whose category is not on the router", () => {
    const f = flow();
    f.nodes[0].router.cases[0].category_uuid = u(77);
    expect(errors(f)).toEqual([problem(N1, "nodes[0].router.cases[0].category_uuid", `case ${u(301)} (has_any_word) uses category ${u(77)}, which is not on this router`)]);
  });

  it("a default category that is not on the router", () => {
    const f = flow();
    f.nodes[0].router.default_category_uuid = u(77);
    expect(errors(f)).toEqual([problem(N1, "nodes[0].router.default_category_uuid", `the default category ${u(77)} is not on this router`)]);
  });

  it("a wait timeout category that is not on the router", () => {
    const f = flow();
    f.nodes[0].router.wait.timeout.category_uuid = u(77);
    expect(errors(f)).toEqual([problem(N1, "nodes[0].router.wait.timeout.category_uuid", `the timeout category ${u(77)} is not on this router`)]);
  });

  it("a random router with cases", () => {
    const f = flow();
    f.nodes[0].router = { type: "random", categories: f.nodes[0].router.categories, cases: f.nodes[0].router.cases };
    expect(errors(f)).toEqual([problem(N1, "nodes[0].router.cases", "a random router cannot have cases")]);
  });

  it("a wait on a node without a router", () => {
    const f = flow();
    f.nodes[1].wait = { type: "msg" };
    expect(errors(f)).toEqual([problem(N2, "nodes[1].wait", "a node with a wait needs a router")]);
  });
});

describe("duplicate UUIDs", () => {
  it("names each reuse and what it collides with", () => {
    const f = flow();
    f.nodes[1].uuid = N1; // a node twice
    f.nodes[1].actions[0].uuid = u(101); // an action twice
    f.nodes[1].exits[0].uuid = u(201); // an exit with a category's UUID
    f.nodes[0].router.cases[0].uuid = u(202); // a case with a category's UUID
    f.nodes[0].exits[0].destination_uuid = null;
    expect(errors(f)).toEqual([
      problem(N1, "nodes[0].router.cases[0].uuid", `case ${u(202)} has the same UUID as category ${u(202)} on node ${N1}`),
      problem(N1, "nodes[1].uuid", `this node has the same UUID as node ${N1}`),
      problem(N1, "nodes[1].actions[0].uuid", `action ${u(101)} has the same UUID as action ${u(101)} on node ${N1}`),
      problem(N1, "nodes[1].exits[0].uuid", `exit ${u(201)} has the same UUID as category ${u(201)} on node ${N1}`),
    ]);
  });
});

describe("flow types", () => {
  it("rejects a background flow that waits for a message, naming the node", () => {
    const f = flow();
    f.type = "messaging_background";
    delete f.nodes[0].actions[0].quick_replies;
    expect(errors(f)).toEqual([problem(N1, "nodes[0].router.wait", "a background flow cannot wait for a message")]);
  });

  it("loads a background flow without a message wait, warning about quick replies it sends", () => {
    const f = flow();
    f.type = "messaging_background";
    f.nodes[0].router = { type: "random", categories: [{ uuid: u(201), name: "A", exit_uuid: u(401) }] };
    f.nodes[0].exits = [{ uuid: u(401), destination_uuid: N2 }];
    expect(loadFlow(f)).toMatchObject({
      ok: true,
      problems: [
        problem(N1, "nodes[0].actions[0].quick_replies", "quick replies in a background flow: the reply never comes back to it", {
          action: [u(101), "send_msg"],
          level: "warning",
        }),
      ],
    });
  });

  it("rejects voice-only actions in a messaging flow and online-only ones in an offline flow", () => {
    const f = flow();
    f.nodes[1].actions.push({ uuid: u(103), type: "say_msg", text: "Hello" });
    expect(errors(f)).toEqual([problem(N2, "nodes[1].actions[1].type", "a messaging flow cannot use say_msg actions", { action: [u(103), "say_msg"] })]);

    const offline = flow();
    offline.type = "messaging_offline";
    offline.nodes[1].actions.push({ uuid: u(103), type: "call_webhook", method: "GET", url: "https://example.org" });
    // (besides the warning that Eddy does not start offline flows)
    expect(errors(offline).filter((p) => p.level === "error")).toEqual([
      problem(N2, "nodes[1].actions[1].type", "an offline flow cannot use call_webhook actions", { action: [u(103), "call_webhook"] }),
    ]);
  });
});

describe("limits", () => {
  it("quick replies: at most 10, each at most 64 characters", () => {
    const f = flow();
    f.nodes[0].actions[0].quick_replies = [...Array.from({ length: 10 }, (_, i) => `Option ${i}`), "x".repeat(65)];
    expect(errors(f)).toEqual([
      problem(N1, "nodes[0].actions[0].quick_replies", "11 quick replies, at most 10", { action: [u(101), "send_msg"] }),
      problem(N1, "nodes[0].actions[0].quick_replies[10]", "quick reply 11 has 65 characters, at most 64", { action: [u(101), "send_msg"] }),
    ]);
  });

  it("message text: at most 10000 characters", () => {
    const f = flow();
    f.nodes[1].actions[0].text = "x".repeat(10001);
    expect(errors(f)).toEqual([problem(N2, "nodes[1].actions[0].text", "the text has 10001 characters, at most 10000", { action: [u(102), "send_msg"] })]);
  });

  it("result names: at most 64 characters", () => {
    const f = flow();
    f.nodes[0].router.result_name = "r".repeat(65);
    f.nodes[1].actions.push({ uuid: u(103), type: "set_run_result", name: "s".repeat(65), value: "1" });
    expect(errors(f)).toEqual([
      problem(N1, "nodes[0].router.result_name", `the result name "${"r".repeat(65)}" has 65 characters, at most 64`),
      problem(N2, "nodes[1].actions[1].name", `the result name "${"s".repeat(65)}" has 65 characters, at most 64`, { action: [u(103), "set_run_result"] }),
    ]);
  });

  it("category names: at most 36 characters", () => {
    const f = flow();
    f.nodes[0].router.categories[0].name = "c".repeat(37);
    expect(errors(f)).toEqual([problem(N1, "nodes[0].router.categories[0].name", "router.categories[0].name is too long (at most 36 characters)")]);
  });

  it("categories: at most 100 per router", () => {
    const f = flow();
    const router = f.nodes[0].router;
    for (let i = 0; i < 98; i++) router.categories.push({ uuid: u(1000 + i), name: `C${i}`, exit_uuid: u(402) });
    expect(errors(f)).toEqual([problem(N1, "nodes[0].router.categories", "101 categories, at most 100")]);
  });

  it("nodes: at most 1000", () => {
    const f = flow();
    for (let i = 0; i < 999; i++) f.nodes.push({ uuid: u(10000 + i), actions: [], exits: [{ uuid: u(20000 + i) }] });
    expect(errors(f)).toEqual([{ level: "error", path: "nodes", message: "the flow has 1001 nodes, at most 1000" }]);
  });
});

describe("structure", () => {
  it("lists zod's findings per node and action, in words, together with the reference problems of the nodes that parse", () => {
    const f = flow();
    delete f.nodes[1].actions[0].text;
    f.nodes[1].actions.push({ uuid: "not-a-uuid", type: "set_contact_name", name: "Bob" });
    f.nodes[0].router.type = "loop";
    f.nodes.push({ uuid: u(3), actions: [], exits: [{ uuid: u(405), destination_uuid: u(77) }] });
    f.type = "chat";
    delete f.name;
    expect(errors(f)).toEqual([
      { level: "error", path: "name", message: "name is missing" },
      { level: "error", path: "type", message: "type must be one of messaging, messaging_background, messaging_offline, voice" },
      problem(N1, "nodes[0].router.type", "router.type must be one of switch, random, split_audience, segment_audience"),
      problem(N2, "nodes[1].actions[0].text", "text is missing", { action: [u(102), "send_msg"] }),
      {
        level: "error",
        node_uuid: N2,
        action_uuid: "not-a-uuid",
        path: "nodes[1].actions[1].uuid",
        message: `node ${N2}, action not-a-uuid (set_contact_name): uuid must be a UUID`,
      },
      problem(u(3), "nodes[2].exits[0].destination_uuid", `exit ${u(405)} leads to node ${u(77)}, which does not exist`),
    ]);
  });

  it("still checks the rest of a node whose action is broken", () => {
    const f = flow();
    f.type = "messaging_background";
    delete f.nodes[0].actions[0].text;
    expect(errors(f)).toEqual([
      problem(N1, "nodes[0].actions[0].text", "text is missing", { action: [u(101), "send_msg"] }),
      problem(N1, "nodes[0].router.wait", "a background flow cannot wait for a message"),
    ]);
  });

  it("rejects JSON that is not a flow", () => {
    expect(errors("hello")).toEqual([{ level: "error", path: "spec_version", message: "a flow definition must be a JSON object" }]);
  });
});

describe("dependencies", () => {
  it("lists what the example flow refers to, with where", () => {
    const result = loadFlow(example);
    if (!result.ok) throw new Error("example must load");
    expect(listDependencies(result.flow)).toEqual([
      {
        type: "field",
        key: "age",
        name: "Age",
        node_uuid: "20000000-0000-4000-8000-00000000000b",
        action_uuid: "a2000000-0000-4000-8000-000000000001",
        path: "nodes[1].actions[0].field",
      },
      {
        type: "group",
        uuid: "90000000-0000-4000-8000-000000000001",
        name: "Registered",
        node_uuid: "30000000-0000-4000-8000-00000000000c",
        action_uuid: "a3000000-0000-4000-8000-000000000002",
        path: "nodes[2].actions[1].groups[0]",
      },
    ]);
  });

  it("finds every kind of reference, including fields used in expressions and translations", () => {
    const f = flow();
    f.localization = { spa: { [u(101)]: { text: ["¿Sí o no, @fields.nickname?"] } } };
    f.nodes[0].router.operand = "@(lower(contact.fields.answer))";
    f.nodes[0].router.cases.push({ uuid: u(302), type: "has_group", arguments: [u(501), "Testers"], category_uuid: u(201) });
    f.nodes[1].actions = [
      { uuid: u(111), type: "send_msg", text: "Hi @@fields.none", template: { uuid: u(502), name: "welcome" }, template_variables: ["@fields.city"] },
      { uuid: u(112), type: "enter_flow", flow: { uuid: u(503), name: "Other" } },
      { uuid: u(113), type: "add_input_labels", labels: [{ uuid: u(504), name: "Spam" }, { name_match: "@input.text" }] },
      { uuid: u(114), type: "set_contact_channel", channel: { uuid: u(505), name: "WhatsApp" } },
      { uuid: u(115), type: "open_ticket", topic: { uuid: u(506), name: "Help" }, assignee: { email: "ann@example.org", name: "Ann" } },
      { uuid: u(116), type: "remove_contact_groups", all_groups: true },
    ];
    const result = loadFlow(f);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(listDependencies(result.flow).map(({ type, uuid, key, email, node_uuid, action_uuid, path }) => ({ type, id: uuid ?? key ?? email, node_uuid, action_uuid, path }))).toEqual([
      { type: "field", id: "answer", node_uuid: N1, action_uuid: undefined, path: "nodes[0].router.operand" },
      { type: "group", id: u(501), node_uuid: N1, action_uuid: undefined, path: "nodes[0].router.cases[1].arguments" },
      { type: "template", id: u(502), node_uuid: N2, action_uuid: u(111), path: "nodes[1].actions[0].template" },
      { type: "field", id: "city", node_uuid: N2, action_uuid: u(111), path: "nodes[1].actions[0].template_variables[0]" },
      { type: "flow", id: u(503), node_uuid: N2, action_uuid: u(112), path: "nodes[1].actions[1].flow" },
      { type: "label", id: u(504), node_uuid: N2, action_uuid: u(113), path: "nodes[1].actions[2].labels[0]" },
      { type: "channel", id: u(505), node_uuid: N2, action_uuid: u(114), path: "nodes[1].actions[3].channel" },
      { type: "topic", id: u(506), node_uuid: N2, action_uuid: u(115), path: "nodes[1].actions[4].topic" },
      { type: "user", id: "ann@example.org", node_uuid: N2, action_uuid: u(115), path: "nodes[1].actions[4].assignee" },
      { type: "field", id: "nickname", node_uuid: N1, action_uuid: u(101), path: `localization.spa.${u(101)}.text[0]` },
    ]);
  });
});
