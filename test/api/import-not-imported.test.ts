// An export's campaigns and triggers are reported by import, never dropped silently, and an export
// that carries no flows imports too (issue #12, "Imports").
import { describe, expect, it } from "vitest";
import { call, unique } from "./helpers";

describe("POST /flows/import", () => {
  it("imports the triggers it can and reports, item by item, what it can't (more: import-entry-points.test.ts)", async () => {
    const flow = { uuid: crypto.randomUUID(), name: `Imported ${unique()}`, spec_version: "13.1.0", language: "eng", type: "messaging", nodes: [] };
    const keyword = `join${unique().replace(/[^a-z0-9]/g, "")}`;
    const r = await call("POST", "/flows/import", {
      version: "13",
      flows: [flow],
      campaigns: [{ uuid: crypto.randomUUID(), name: "Reminders", group: { uuid: crypto.randomUUID(), name: "Patients" }, events: [] }],
      triggers: [{ trigger_type: "K", keywords: [keyword], flow: { uuid: flow.uuid, name: flow.name } }],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.triggers).toEqual([expect.objectContaining({ type: "keyword", flow: flow.uuid, from: "triggers.0", created: true })]);
    expect(r.body.not_imported).toEqual([{ part: "campaigns", item: "campaigns.0", reason: "it has no events" }]);
    // A trigger for a group that is neither in the export nor here (or named without a UUID) is reported, not imported for everyone.
    const groups = await call("POST", "/flows/import", {
      version: "13",
      triggers: [
        { trigger_type: "C", flow: { uuid: flow.uuid }, groups: [{ uuid: crypto.randomUUID(), name: "Gone" }] },
        { trigger_type: "N", flow: { uuid: flow.uuid }, exclude_groups: [{ name: "No UUID" }] },
      ],
    });
    expect(groups.body.triggers).toEqual([]);
    expect(groups.body.not_imported.map((n: { item: string; reason: string }) => [n.item, n.reason.includes("is neither in the export nor here")])).toEqual([
      ["triggers.0", true],
      ["triggers.1", true],
    ]);
  });

  it("imports an export with only fields and groups, or only campaigns", async () => {
    const key = `f_${unique().toLowerCase().replace(/[^a-z0-9]/g, "")}`.slice(0, 30);
    const fields = await call("POST", "/flows/import", { version: "13", fields: [{ key, name: "Imported field", type: "text" }] });
    expect(fields.status, JSON.stringify(fields.body)).toBe(200);
    expect(fields.body).toMatchObject({ flows: [], fields: { created: [key] }, not_imported: [] });
    const campaigns = await call("POST", "/flows/import", { version: "13", campaigns: [{ name: "Only" }] });
    expect(campaigns.status, JSON.stringify(campaigns.body)).toBe(200);
    expect(campaigns.body.not_imported).toEqual([expect.objectContaining({ part: "campaigns", item: "campaigns.0" })]);
  });

  it("imports Glific's shape: flows as {definition, keywords}, no version; the keywords become a keyword trigger", async () => {
    const uuid = crypto.randomUUID();
    const definition = { uuid, name: `Glific ${unique()}`, spec_version: "13.1.0", language: "base", type: "messaging", nodes: [] };
    const words = [`hi${unique()}`, `hello${unique()}`].map((w) => w.replace(/[^a-z0-9]/g, ""));
    const r = await call("POST", "/flows/import", { flows: [{ definition, keywords: words }], contact_field: [], collections: [], interactive_templates: [] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.flows).toEqual([expect.objectContaining({ uuid, created: true })]);
    expect(r.body.not_imported).toEqual([]);
    const [t] = r.body.triggers;
    expect(t).toMatchObject({ type: "keyword", flow: uuid, from: "flows.0.keywords", created: true });
    expect((await call("GET", `/triggers/${t.uuid}`)).body).toMatchObject({ keywords: words, match_type: "only_word" });
    const flow = await call("GET", `/flows/${uuid}`);
    expect(flow.body.definition).toMatchObject({ language: "und", spec_version: "14.4.2" });
  });

  it("refuses an export that brings nothing", async () => {
    const r = await call("POST", "/flows/import", { version: "13" });
    expect(r.status).toBe(400);
  });
});
