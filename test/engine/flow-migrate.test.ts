import { describe, expect, it } from "vitest";
import { MIGRATIONS, MigrationError, migrateFlow, readExport } from "../../durable/engine/flow/migrate";
import { loadExport, loadFlow } from "../../durable/engine/flow/load";
import { SPEC_VERSION } from "../../durable/engine/flow/schema";
import example from "./flows/example-flow.json";
import textitExport from "./flows/textit-export-13.json";

type Json = Record<string, any>;

const node = (flow: Json, uuid: string) => flow.nodes.find((n: Json) => n.uuid === uuid);
const action = (flow: Json, uuid: string) => flow.nodes.flatMap((n: Json) => n.actions).find((a: Json) => a.uuid === uuid);

describe("reading a TextIt 13.x export", () => {
  const exported = readExport(textitExport);
  const [registration, support] = exported.flows.map((f) => f.definition as Json);

  it("returns each flow migrated to the current spec, with the export's fields and groups", () => {
    expect(exported.flows.map((f) => [f.definition.name, f.from, f.definition.spec_version])).toEqual([
      ["Registration", "13.1.0", SPEC_VERSION],
      ["Support", "13.1.0", SPEC_VERSION],
    ]);
    expect(exported.fields).toEqual([
      { key: "nickname", name: "Nickname", type: "text" },
      { key: "age", name: "Age", type: "number" },
    ]);
    expect(exported.groups).toEqual([{ uuid: "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a01", name: "Registered", query: null }]);
  });

  it("lists the steps it applied: goflow's fourteen after 13.1.0", () => {
    expect(exported.flows[0].applied).toEqual([
      "13.2.0: flow language base becomes und",
      "13.3.0: @webhook becomes @webhook.json",
      "13.4.0: send_msg templating variables become components",
      "13.5.0: send_msg templating becomes template and template_variables",
      "13.6.0: result and category names cut to their limits",
      "13.6.1: result lookups cut to match",
      "14.0.0: expire_after_minutes within its flow type's bounds, unnamed categories named",
      "14.1.0: webhook nodes split on @webhook",
      "14.2.0: open_ticket body becomes note, invalid translation languages dropped",
      "14.3.0: airtime and ticket nodes split on their output local",
      "14.3.1: text tests with several arguments take them as one",
      "14.4.0: send_msg loses all_urns",
      "14.4.1: webhook and resthook splits on @webhook.status",
      "14.4.2: webhook and resthook splits on @(default(webhook.status, 0))",
    ]);
  });

  it("loads every migrated flow without a problem", () => {
    for (const { definition } of exported.flows) expect(loadFlow(definition)).toMatchObject({ ok: true, problems: [] });
  });

  it("turns send_msg templating into template and template_variables, with their translation on the action", () => {
    const send = action(registration, "5b1d9a3c-2e4f-4a6b-8c0d-1e2f3a4b5c05");
    expect(send.templating).toBeUndefined();
    expect(send.template).toEqual({ uuid: "2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c01", name: "registration_done" });
    expect(send.template_variables).toEqual(["@contact.fields.nickname", "@fields.age"]);
    expect(registration.localization.fra).toEqual({
      "5b1d9a3c-2e4f-4a6b-8c0d-1e2f3a4b5c01": { text: ["Bienvenue ! Comment vous appelez-vous ?"] },
      "5b1d9a3c-2e4f-4a6b-8c0d-1e2f3a4b5c05": { template_variables: ["@contact.fields.nickname", "@fields.age"] },
    });
  });

  it("turns open_ticket body into note and drops the ticketer", () => {
    expect(action(support, "5b1d9a3c-2e4f-4a6b-8c0d-1e2f3a4b5c11")).toEqual({
      uuid: "5b1d9a3c-2e4f-4a6b-8c0d-1e2f3a4b5c11",
      type: "open_ticket",
      topic: { uuid: "7e8f9a0b-1c2d-4e3f-8a4b-5c6d7e8f9a01", name: "General" },
      note: "@results.question.value",
      assignee: { email: "agent@example.org", name: "Agent" },
      result_name: "Result",
    });
  });

  it("gives a messaging flow without an expiry goflow's default of 7 days", () => {
    expect(registration.expire_after_minutes).toBe(10080);
    expect(support.expire_after_minutes).toBe(10080);
  });

  it("keeps what it does not migrate: the editor's _ui and the wait", () => {
    expect(registration._ui).toEqual(textitExport.flows[0]._ui);
    expect(node(registration, "b0a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c01").router.wait).toEqual({
      type: "msg",
      timeout: { seconds: 86400, category_uuid: "6a2f4c8e-9b1d-4e3f-a5c7-d9e1f3a5c703" },
    });
  });

  it("does not modify its input", () => {
    expect(action(textitExport.flows[1] as Json, "5b1d9a3c-2e4f-4a6b-8c0d-1e2f3a4b5c11").ticketer).toBeDefined();
    expect(textitExport.flows[0].spec_version).toBe("13.1.0");
  });

  it("rejects a file that is not an export, and names the flow it cannot migrate", () => {
    expect(() => readExport({ version: "13", flows: "all" })).toThrow(new MigrationError("not a flow export: flows: expected array, received string"));
    const old = { ...textitExport, flows: [{ ...textitExport.flows[0], spec_version: "11.12" }] };
    expect(() => readExport(old)).toThrow(new MigrationError('flow "Registration": spec version 11.x is not supported; export from a newer TextIt/RapidPro'));
  });
});

describe("reading a Glific export", () => {
  it("takes each flow's definition out of {definition, keywords}, with no version", () => {
    const definition = structuredClone(textitExport.flows[0]);
    const read = readExport({ flows: [{ definition, keywords: ["hi"] }], contact_field: [], collections: [] });
    expect(read.flows.map((f) => f.definition.uuid)).toEqual([definition.uuid]);
  });
});

describe("loading a TextIt 13.x export", () => {
  it("loads every flow, with the export's fields and groups", () => {
    const loaded = loadExport(textitExport);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    expect(loaded.flows.map(({ flow, problems }) => [flow.name, flow.spec_version, problems])).toEqual([
      ["Registration", SPEC_VERSION, []],
      ["Support", SPEC_VERSION, []],
    ]);
    expect(loaded.fields.map((f) => f.key)).toEqual(["nickname", "age"]);
    expect(loaded.groups.map((g) => g.name)).toEqual(["Registered"]);
  });

  it("loads nothing when one flow has an error, and names that flow", () => {
    const broken = structuredClone(textitExport) as Json;
    broken.flows[0].nodes[1].exits[0].destination_uuid = "b0a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c99";
    expect(loadExport(broken)).toEqual({
      ok: false,
      problems: [
        {
          level: "error",
          node_uuid: "b0a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c02",
          path: "flows[0].nodes[1].exits[0].destination_uuid",
          message:
            'flow "Registration": node b0a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c02: exit f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a11 leads to node b0a1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c99, which does not exist',
        },
      ],
    });
  });

  it("rejects a file that is not an export", () => {
    expect(loadExport([])).toEqual({
      ok: false,
      problems: [{ level: "error", path: "flows", message: "not a flow export: file: expected object, received array" }],
    });
  });
});

describe("migrating one definition", () => {
  it("leaves a current definition as it is", () => {
    const migrated = migrateFlow(example);
    expect(migrated.definition).toBe(example);
    expect(migrated.applied).toEqual([]);
  });

  it("runs only the steps newer than the definition", () => {
    const flow = { ...example, spec_version: "13.6.1", expire_after_minutes: 100000 };
    const migrated = migrateFlow(flow);
    expect(migrated.applied.map((a) => a.split(":")[0])).toEqual(["14.0.0", "14.1.0", "14.2.0", "14.3.0", "14.3.1", "14.4.0", "14.4.1", "14.4.2"]);
    expect(migrated.definition.expire_after_minutes).toBe(43200);
    expect(migrated.definition.spec_version).toBe(SPEC_VERSION);
  });

  it("flattens 13.4's templating components, keeping untranslated components' values in place", () => {
    const flow = {
      uuid: "8d2c1a2e-5b4f-4c3a-9e1d-6f7a8b9c0d09",
      name: "Reminder",
      spec_version: "13.4",
      language: "eng",
      type: "messaging",
      localization: {
        spa: {
          "9a000000-0000-4000-8000-000000000001": { params: ["@contact.name", "mañana"] },
        },
      },
      nodes: [
        {
          uuid: "9b000000-0000-4000-8000-000000000001",
          actions: [
            {
              uuid: "9c000000-0000-4000-8000-000000000001",
              type: "send_msg",
              text: "Reminder for @contact.name",
              templating: {
                template: { uuid: "9d000000-0000-4000-8000-000000000001", name: "reminder" },
                components: [
                  { uuid: "9a000000-0000-4000-8000-000000000000", name: "header", params: ["@fields.clinic"] },
                  { uuid: "9a000000-0000-4000-8000-000000000001", name: "body", params: ["@contact.name", "tomorrow"] },
                ],
              },
            },
          ],
          exits: [{ uuid: "9e000000-0000-4000-8000-000000000001" }],
        },
      ],
    };
    const { definition } = migrateFlow(flow);
    expect(definition.nodes).toMatchObject([
      {
        actions: [
          {
            template: { uuid: "9d000000-0000-4000-8000-000000000001", name: "reminder" },
            template_variables: ["@fields.clinic", "@contact.name", "tomorrow"],
          },
        ],
      },
    ]);
    expect(definition.localization).toEqual({
      spa: { "9c000000-0000-4000-8000-000000000001": { template_variables: ["@fields.clinic", "@contact.name", "mañana"] } },
    });
    expect(loadFlow(definition)).toMatchObject({ ok: true, problems: [] });
  });

  it("keeps a voice flow's expiry within 1 to 15 minutes", () => {
    expect(migrateFlow({ ...example, type: "voice", spec_version: "13.0.0", expire_after_minutes: 60 }).definition.expire_after_minutes).toBe(15);
  });

  it("keeps an existing note when open_ticket also has a body", () => {
    const flow = structuredClone(textitExport.flows[1]) as Json;
    flow.nodes[0].actions[0].note = "kept";
    expect(migrateFlow(flow).definition.nodes).toMatchObject([{ actions: [{ note: "kept" }] }]);
    expect("body" in (migrateFlow(flow).definition.nodes as Json[])[0].actions[0]).toBe(false);
  });

  it("has its steps in version order", () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort());
  });

  it.each([
    [{ ...example, spec_version: "12.0.0" }, "spec version 12.x is not supported; export from a newer TextIt/RapidPro"],
    [{ ...example, spec_version: "11.12" }, "spec version 11.x is not supported; export from a newer TextIt/RapidPro"],
    [{ ...example, spec_version: "15.0.0" }, "spec version 15.0.0 is newer than Eddy supports (14.x)"],
    [{ ...example, spec_version: undefined }, "spec_version is missing"],
    [{ ...example, spec_version: "latest" }, 'spec_version "latest" is not a version'],
    [{ version: "11.4", flow_type: "F", action_sets: [], rule_sets: [] }, "legacy flow format (spec version 11.x or older) is not supported; export from a newer TextIt/RapidPro"],
    [[], "a flow definition must be a JSON object"],
  ])("rejects %# with a clear reason", (flow, message) => {
    expect(() => migrateFlow(flow)).toThrow(new MigrationError(message));
    expect(loadFlow(flow)).toEqual({ ok: false, problems: [{ level: "error", path: "spec_version", message }] });
  });

  it("accepts a newer minor version of the current major as it is", () => {
    const flow = { ...example, spec_version: "14.9.0" };
    expect(migrateFlow(flow).definition).toBe(flow);
  });
});
