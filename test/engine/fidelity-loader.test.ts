// The loader agrees with goflow both ways (issue #12, point 8): it accepts what goflow accepts and
// refuses what goflow refuses.
import { describe, expect, it } from "vitest";
import { loadFlow } from "../../durable/engine/flow/load";
import { linearFlow, u } from "./engine-support";

const F = "a7000000-0000-4000-8000-000000000000";
const errors = (json: unknown) => loadFlow(json).problems.filter((p) => p.level === "error");

const question = (n: number, caseUUID: string) => ({
  actions: [{ uuid: u(n), type: "send_msg", text: "Yes?" }],
  router: {
    type: "switch",
    operand: "@input.text",
    wait: { type: "msg" },
    cases: [{ uuid: caseUUID, type: "has_any_word", arguments: ["yes"], category_uuid: u(n + 10) }],
    categories: [
      { uuid: u(n + 10), name: "Yes", exit_uuid: u(n + 20) },
      { uuid: u(n + 11), name: "Other", exit_uuid: u(n + 21) },
    ],
    default_category_uuid: u(n + 11),
  },
  exits: [{ uuid: u(n + 20) }, { uuid: u(n + 21) }],
});

const webhook = (over: Record<string, unknown>) => linearFlow(F, "Hook", [{ actions: [{ uuid: u(1), type: "call_webhook", method: "GET", url: "https://example.org", ...over }] }]);

describe("the loader accepts what goflow accepts", () => {
  it("a non-array _ui inside localization", () => {
    const flow = linearFlow(F, "UI", [{ actions: [{ uuid: u(1), type: "send_msg", text: "Hi" }] }], {
      localization: { spa: { [u(1)]: { text: ["Hola"], _ui: { auto_translated: true } } } },
    });
    expect(errors(flow)).toEqual([]);
  });

  it("the same case UUID on two nodes", () => {
    const flow = linearFlow(F, "Copied", [question(100, u(999)), question(200, u(999))]);
    expect(errors(flow)).toEqual([]);
  });

  it('a sub-flow router with "default_category_uuid": "" as RapidPro writes it', () => {
    const flow = linearFlow(F, "Parent", [
      {
        actions: [{ uuid: u(1), type: "enter_flow", flow: { uuid: u(77), name: "Child" } }],
        router: {
          type: "switch",
          operand: "@child.run.status",
          cases: [
            { uuid: u(2), type: "has_only_text", arguments: ["completed"], category_uuid: u(3) },
            { uuid: u(4), type: "has_only_text", arguments: ["expired"], category_uuid: u(5) },
          ],
          categories: [
            { uuid: u(3), name: "Complete", exit_uuid: u(6) },
            { uuid: u(5), name: "Expired", exit_uuid: u(7) },
          ],
          default_category_uuid: "",
        },
        exits: [{ uuid: u(6) }, { uuid: u(7) }],
      },
    ]);
    expect(errors(flow)).toEqual([]);
  });

  it("a messaging_offline flow, with a warning that Eddy cannot start it", () => {
    const result = loadFlow(linearFlow(F, "Survey", [{ actions: [{ uuid: u(1), type: "set_run_result", name: "Done", value: "yes" }] }], { type: "messaging_offline" }));
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([expect.objectContaining({ level: "warning", path: "type", message: expect.stringContaining("offline") })]);
  });
});

describe("the loader refuses what goflow refuses", () => {
  it("remove_contact_groups with both groups and all_groups", () => {
    const flow = linearFlow(F, "Remove", [
      { actions: [{ uuid: u(1), type: "remove_contact_groups", groups: [{ uuid: u(9102), name: "Testers" }], all_groups: true }] },
    ]);
    expect(errors(flow).map((p) => p.path)).toEqual(["nodes[0].actions[0].groups"]);
  });

  it("a webhook with more than 10 headers", () => {
    const headers = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`X-H${i}`, "v"]));
    expect(errors(webhook({ headers })).map((p) => p.message)).toEqual([expect.stringContaining("11 headers, at most 10")]);
    expect(errors(webhook({ headers: Object.fromEntries(Object.entries(headers).slice(0, 10)) }))).toEqual([]);
  });

  it("a header name over 100 characters or not a valid HTTP header name, a value over 5,000", () => {
    expect(errors(webhook({ headers: { ["X".repeat(101)]: "v" } })).map((p) => p.message)).toEqual([expect.stringContaining("101 characters, at most 100")]);
    expect(errors(webhook({ headers: { "Accept:": "text/plain" } })).map((p) => p.message)).toEqual([expect.stringContaining('"Accept:" is not a valid HTTP header name')]);
    expect(errors(webhook({ headers: { Accept: "x".repeat(5001) } })).map((p) => p.message)).toEqual([expect.stringContaining("5001 characters, at most 5000")]);
    expect(errors(webhook({ headers: { ["X".repeat(100)]: "x".repeat(5000) } }))).toEqual([]);
  });

  it("a URL over 8,192 characters or a body over 20,000", () => {
    expect(errors(webhook({ url: "https://example.org/" + "a".repeat(8173) })).map((p) => p.path)).toEqual(["nodes[0].actions[0].url"]);
    expect(errors(webhook({ method: "POST", body: "b".repeat(20_001) })).map((p) => p.path)).toEqual(["nodes[0].actions[0].body"]);
    expect(errors(webhook({ url: "https://example.org/" + "a".repeat(8172), method: "POST", body: "b".repeat(20_000) }))).toEqual([]);
  });
});

describe("an action Eddy does not run is a problem at publish (issue #12, Imports)", () => {
  it("an unknown action loads with a warning naming it; Glific's interactive message without its template is an error on its node", () => {
    const flow = linearFlow(F, "Glific", [
      { actions: [{ uuid: u(1), type: "send_interactive_msg", id: 12, text: "Pick one", name: "Menu" }, { uuid: u(2), type: "fly_to_moon" }] },
    ]);
    const loaded = loadFlow(flow);
    expect(loaded.ok).toBe(false);
    expect(loaded.problems.map((p) => [p.level, p.action_uuid, p.message])).toEqual([
      ["error", u(1), expect.stringContaining("interactive template 12 (Menu) is not in the flow: import the flow with its export's interactive_templates")],
      ["warning", u(2), expect.stringContaining("Eddy does not know fly_to_moon actions")],
    ]);
  });
});
