// goflow's fifteen migration steps from 13.1.0 to 14.4.2 (issue #12, point 10), each pinned on a
// 13.0.0 definition holding the old shape it rewrites.
import { describe, expect, it } from "vitest";
import { loadFlow } from "../../durable/engine/flow/load";
import { migrateFlow, MIGRATIONS } from "../../durable/engine/flow/migrate";
import { SPEC_VERSION } from "../../durable/engine/flow/schema";
import { u } from "./engine-support";

const LONG_RESULT = "A very long result name that goes on well beyond sixty four characters";
const LONG_KEY = "a_very_long_result_name_that_goes_on_well_beyond_sixty_four_characters";

const old = () => ({
  uuid: u(1),
  name: "Old",
  spec_version: "13.0.0",
  language: "base",
  type: "messaging",
  expire_after_minutes: 0,
  localization: {
    spa: { [u(12)]: { variables: ["@contact.name (es)"] } },
    "es-ES": { [u(11)]: { text: ["Hola"] } },
  },
  nodes: [
    {
      uuid: u(10),
      actions: [
        { uuid: u(11), type: "send_msg", text: "Got @webhook and @(upper(webhook)) but not @webhook.json or \"webhook\"", all_urns: true, templating: { template: { uuid: u(13), name: "welcome" }, variables: ["@contact.name"] } },
        { uuid: u(14), type: "set_run_result", name: LONG_RESULT, value: "@results." + LONG_KEY },
      ],
      exits: [{ uuid: u(19), destination_uuid: u(20) }],
    },
    {
      uuid: u(20),
      actions: [{ uuid: u(21), type: "call_webhook", method: "GET", url: "https://example.org", result_name: "Call" }],
      router: {
        type: "switch",
        operand: "@results.call.category",
        cases: [{ uuid: u(22), type: "has_only_text", arguments: ["Success"], category_uuid: u(23) }],
        categories: [
          { uuid: u(23), name: "Success", exit_uuid: u(25) },
          { uuid: u(24), name: "Failure", exit_uuid: u(26) },
        ],
        default_category_uuid: u(24),
      },
      exits: [{ uuid: u(25), destination_uuid: u(30) }, { uuid: u(26), destination_uuid: u(30) }],
    },
    {
      uuid: u(30),
      actions: [{ uuid: u(31), type: "open_ticket", body: "Help", ticketer: { uuid: u(39), name: "Mailgun" }, result_name: "Ticket" }],
      router: {
        type: "switch",
        operand: "@results.ticket",
        cases: [{ uuid: u(32), type: "has_category", arguments: ["Success"], category_uuid: u(33) }],
        categories: [
          { uuid: u(33), name: "Success", exit_uuid: u(35) },
          { uuid: u(34), name: "Failure", exit_uuid: u(36) },
        ],
        default_category_uuid: u(34),
      },
      exits: [{ uuid: u(35), destination_uuid: u(40) }, { uuid: u(36), destination_uuid: u(40) }],
    },
    {
      uuid: u(40),
      actions: [],
      router: {
        type: "switch",
        operand: "@input.text",
        result_name: LONG_RESULT,
        wait: { type: "msg" },
        cases: [{ uuid: u(42), type: "has_any_word", arguments: ["yes", "y"], category_uuid: u(43) }],
        categories: [
          { uuid: u(43), name: "A category name longer than thirty-six", exit_uuid: u(45) },
          { uuid: u(44), name: "", exit_uuid: u(46) },
        ],
        default_category_uuid: u(44),
      },
      exits: [{ uuid: u(45) }, { uuid: u(46) }],
    },
  ],
});

describe("goflow's migrations, 13.0.0 to 14.4.2", () => {
  const { definition, applied } = migrateFlow(old()) as { definition: any; applied: string[] };
  const [send, call, ticket, question] = definition.nodes;

  it("are fifteen, in version order, ending at the current spec version 14.4.2", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual([
      "13.1.0", "13.2.0", "13.3.0", "13.4.0", "13.5.0", "13.6.0", "13.6.1", "14.0.0", "14.1.0", "14.2.0", "14.3.0", "14.3.1", "14.4.0", "14.4.1", "14.4.2",
    ]);
    expect(SPEC_VERSION).toBe("14.4.2");
    expect(applied).toHaveLength(15);
    expect(definition.spec_version).toBe("14.4.2");
  });

  it("13.1, 13.4, 13.5: templating gets a UUID, becomes components, then template and template_variables with translations on the action", () => {
    expect(send.actions[0].template).toEqual({ uuid: u(13), name: "welcome" });
    expect(send.actions[0].template_variables).toEqual(["@contact.name"]);
    expect(send.actions[0].templating).toBeUndefined();
    expect(definition.localization.spa).toEqual({ [u(11)]: { template_variables: ["@contact.name (es)"] } });
  });

  it("13.2: the language base becomes und", () => {
    expect(definition.language).toBe("und");
  });

  it("13.3: a bare @webhook becomes @webhook.json, in paths and expressions, not in strings", () => {
    expect(send.actions[0].text).toBe('Got @webhook.json and @(upper(webhook.json)) but not @webhook.json or "webhook"');
  });

  it("13.6, 13.6.1: result names cut to 64, category names to 36, and result lookups with them", () => {
    expect(send.actions[1].name).toBe(LONG_RESULT.slice(0, 64));
    expect(send.actions[1].value).toBe("@results." + LONG_KEY.slice(0, 64));
    expect(question.router.result_name).toHaveLength(64);
    expect(question.router.categories[0].name).toBe("A category name longer than thirty-s");
  });

  it("14.0: the expiry gets the default, an unnamed category a name", () => {
    expect(definition.expire_after_minutes).toBe(10080);
    expect(question.router.categories[1].name).toBe("Other");
  });

  it("14.1, 14.4.1, 14.4.2: a webhook split is on @(default(webhook.status, 0)), 200-299 being Success", () => {
    expect(call.router.operand).toBe("@(default(webhook.status, 0))");
    expect(call.router.cases).toEqual([{ uuid: u(22), type: "has_number_between", arguments: ["200", "299"], category_uuid: u(23) }]);
    expect(call.router.default_category_uuid).toBe(u(24));
  });

  it("14.2: open_ticket's body is its note, no ticketer; a translation language that is no language goes", () => {
    expect(ticket.actions[0]).toMatchObject({ note: "Help" });
    expect(ticket.actions[0].body).toBeUndefined();
    expect(ticket.actions[0].ticketer).toBeUndefined();
    expect(Object.keys(definition.localization)).toEqual(["spa"]);
  });

  it("14.3: a ticket node splits on @locals._new_ticket", () => {
    expect(ticket.router.operand).toBe("@locals._new_ticket");
    expect(ticket.router.cases).toEqual([{ uuid: u(32), type: "has_text", arguments: [], category_uuid: u(33) }]);
  });

  it("14.3.1: a text test's arguments become one", () => {
    expect(question.router.cases[0].arguments).toEqual(["yes y"]);
  });

  it("14.4: send_msg loses all_urns", () => {
    expect(send.actions[0].all_urns).toBeUndefined();
  });

  it("the result loads", () => {
    expect(loadFlow(definition).problems.filter((p) => p.level === "error")).toEqual([]);
  });
});
