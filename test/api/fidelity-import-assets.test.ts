// Issue #12 "Imports": the fields and groups an export's flows use but the export does not bring are
// created (fields with the type the flow implies), and Glific's contact_field, collections and
// numeric group ids become fields and groups, so the imported flows run as they did there.
import { describe, expect, it } from "vitest";
import { call, unique } from "./helpers";

const id = () => crypto.randomUUID();
const keyed = (prefix: string) => `${prefix}_${unique().replace(/[^a-z0-9]/g, "")}`;

/** A flow: set a field, join a group, then split on a field with a number test. */
function rapidProFlow(field: string, ageField: string, group: { uuid: string; name: string }) {
  const split = id();
  const [adult, other, toAdult, toOther] = [id(), id(), id(), id()];
  return {
    uuid: id(), name: `Uses ${field}`, spec_version: "13.1.0", language: "eng", type: "messaging",
    nodes: [
      {
        uuid: id(),
        actions: [
          { uuid: id(), type: "set_contact_field", field: { key: field, name: "Favourite" }, value: "blue" },
          { uuid: id(), type: "add_contact_groups", groups: [group] },
        ],
        exits: [{ uuid: id(), destination_uuid: split }],
      },
      {
        uuid: split, actions: [], exits: [{ uuid: toAdult }, { uuid: toOther }],
        router: {
          type: "switch", operand: `@fields.${ageField}`, default_category_uuid: other,
          cases: [{ uuid: id(), type: "has_number_between", arguments: ["18", "99"], category_uuid: adult }],
          categories: [{ uuid: adult, name: "Adult", exit_uuid: toAdult }, { uuid: other, name: "Other", exit_uuid: toOther }],
        },
      },
    ],
  };
}

describe("POST /flows/import creates what the flows use", () => {
  it("creates the fields (typed as the flow implies) and groups the flows use and the export lacks", async () => {
    const field = keyed("colour");
    const age = keyed("age");
    const group = { uuid: id(), name: `Joined ${unique()}` };
    const flow = rapidProFlow(field, age, group);
    const r = await call("POST", "/flows/import", { version: "13", flows: [flow] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.fields.created.sort()).toEqual([age, field].sort());
    expect(r.body.groups.created).toEqual([group.uuid]);
    expect(r.body.flows[0].problems.filter((p: { level: string }) => p.level === "error")).toEqual([]);

    const fields = (await call("GET", "/fields")).body.results as { key: string; name: string; type: string }[];
    expect(fields.find((f) => f.key === field)).toMatchObject({ name: "Favourite", type: "text" });
    expect(fields.find((f) => f.key === age)).toMatchObject({ type: "number" });
    expect((await call("GET", `/groups/${group.uuid}`)).body).toMatchObject({ name: group.name, count: 0 });

    // Publishing no longer warns about them.
    const published = await call("POST", `/flows/${flow.uuid}/publish`);
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.warnings.filter((w: { message: string }) => /no contact field|no group/.test(w.message))).toEqual([]);
  });

  it("uses a group of the same name that is already here instead of creating one", async () => {
    const name = `Existing ${unique()}`;
    const existing = await call("POST", "/groups", { name });
    const flow = rapidProFlow(keyed("f"), keyed("g"), { uuid: id(), name });
    const r = await call("POST", "/flows/import", { version: "13", flows: [flow] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.groups.created).toEqual([]);
    expect((await call("GET", "/groups")).body.results.filter((g: { name: string }) => g.name === name)).toEqual([expect.objectContaining({ uuid: existing.body.uuid })]);
  });

  it("imports Glific's contact_field and collections, and maps its numeric group ids to groups", async () => {
    const field = keyed("age_group");
    const collection = `Optin ${unique()}`;
    const uuid = id();
    const definition = {
      uuid, name: `Glific ${unique()}`, spec_version: "13.1.0", language: "base", type: "messaging",
      nodes: [{
        uuid: id(),
        actions: [
          { uuid: id(), type: "add_contact_groups", groups: [{ uuid: "4", name: collection }] },
          { uuid: id(), type: "send_msg", text: `Hi, your group is @contact.fields.${field}` },
        ],
        exits: [{ uuid: id() }],
      }],
    };
    const r = await call("POST", "/flows/import", { flows: [{ definition, keywords: [] }], contact_field: [field], collections: [collection], interactive_templates: [] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.fields.created).toEqual([field]);
    expect(r.body.groups.created).toHaveLength(1);
    expect(r.body.flows[0].problems.filter((p: { level: string }) => p.level === "error")).toEqual([]);
    const groupUuid = r.body.groups.created[0];
    expect((await call("GET", `/groups/${groupUuid}`)).body.name).toBe(collection);
    const saved = await call("GET", `/flows/${uuid}`);
    expect(saved.body.definition.nodes[0].actions[0].groups).toEqual([{ uuid: groupUuid, name: collection }]);
  });
});
