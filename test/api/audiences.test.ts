import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { invocation, subrequests } from "../limits/count";
import { apiToken, call, ORIGIN, unique } from "./helpers";

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

  it("counts the largest audience (1,000 contacts and 1,000 URNs, groups and a query) within a bounded number of D1 queries", async () => {
    const tag = unique();
    const uuids = Array.from({ length: 1000 }, () => crypto.randomUUID());
    const paths = uuids.map((_, i) => `+25072${tag.replace(/\D/g, "").padEnd(3, "1").slice(0, 3)}${String(i).padStart(4, "0")}`);
    const contact = env.DB.prepare("INSERT INTO contacts (uuid, name, created_on, modified_on) VALUES (?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')");
    const urn = env.DB.prepare("INSERT INTO contact_urns (scheme, path, contact_uuid) VALUES ('tel', ?, ?)");
    await env.DB.batch(uuids.flatMap((u, i) => [contact.bind(u, `Bulk ${tag}`), urn.bind(paths[i], u)]));
    const group = (await call("POST", "/groups", { name: `Bulk ${tag}` })).body.uuid;
    // Half the contacts by UUID, the other half by URN: together, every one of them once.
    const audience = { contacts: uuids.slice(0, 500), urns: paths.slice(500).map((p) => `tel:${p}`), groups: [group], query: `name = "Bulk ${tag}"` };

    const token = await apiToken();
    const { result, cost } = await invocation("POST /audiences/count", async () => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${ORIGIN}/api/v1/audiences/count`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ audience }) }),
        env,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res.json();
    });
    expect(result).toEqual({ count: 1000, inactive: 0, new_urns: 0 });
    // The token; the audience checked (contacts in chunks of 100, groups, fields and groups for the
    // query); counted (groups and query once, URN owners in chunks of 50, named contacts in chunks).
    expect(cost.d1Queries).toBeLessThanOrEqual(40); // 34 measured here
    expect(subrequests(cost)).toBeLessThanOrEqual(40);
  });
});
