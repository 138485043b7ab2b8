import { describe, expect, it } from "vitest";
import { call, unique } from "./helpers";

const phone = () => `+25078${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

async function contact(body: Record<string, unknown>): Promise<{ uuid: string; urn: string }> {
  const urn = `tel:${phone()}`;
  const r = await call("POST", "/contacts", { urns: [urn], ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { uuid: r.body.uuid, urn: r.body.urns[0] };
}

const count = (audience: Record<string, unknown>) => call("POST", "/audiences/count", { audience });

describe("counting an audience for the launch page", () => {
  it("counts the union of named contacts, URNs, groups and a query, each contact once, with the inactive ones", async () => {
    const key = `tier_${unique()}`;
    expect((await call("POST", "/fields", { key, name: key, type: "text" })).status).toBe(201);
    const gold = [await contact({ fields: { [key]: "gold" } }), await contact({ fields: { [key]: "gold" } }), await contact({ fields: { [key]: "gold" }, status: "blocked" })];
    const silver = await contact({ fields: { [key]: "silver" } });
    const group = await call("POST", "/groups", { name: `Launch ${unique()}` });
    expect((await call("POST", `/groups/${group.body.uuid}/members`, { contacts: [silver.uuid, gold[0].uuid] })).status).toBe(200);

    expect((await count({ query: `${key} = gold` })).body).toEqual({ count: 3, inactive: 1, new_urns: 0 });
    expect((await count({ query: `${key} = gold`, groups: [group.body.uuid] })).body).toEqual({ count: 4, inactive: 1, new_urns: 0 });
    expect((await count({ groups: [group.body.uuid], contacts: [gold[1].uuid, silver.uuid] })).body).toEqual({ count: 3, inactive: 0, new_urns: 0 });
    expect((await count({ contacts: [silver.uuid], urns: [gold[2].urn, `tel:${phone()}`] })).body).toEqual({ count: 2, inactive: 1, new_urns: 1 });
  });

  it("points at the error in a query, and names unknown groups", async () => {
    const bad = await count({ query: "agee_nobody > 18" });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: "invalid_query", issues: [{ path: "audience.query", message: expect.stringContaining("at position 0") }] });
    const missing = crypto.randomUUID();
    const unknown = await count({ groups: [missing] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.issues).toEqual([{ path: "audience.groups.0", message: `no group ${missing}` }]);
    expect((await count({})).status).toBe(400);
  });
});
