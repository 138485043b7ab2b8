// A flow's metrics (docs/journeys.md, "Metrics"): contacts entered, per branch of its split audience and
// segment audience nodes, and goal performers, per version and in total, through GET /flows/{uuid}/metrics.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, exampleAssets, phone, publishFlow, twilioOutbox, unique } from "../contact/support";
import { journey } from "../contact/journey-flows";

twilioOutbox();
beforeAll(() => exampleAssets());

async function contacts(n: number, fields: Record<string, unknown> = {}): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await call("POST", "/contacts", { name: `M ${unique()}`, urns: [`tel:${phone()}`], fields });
    if (r.status !== 201) throw new Error(`contact: ${JSON.stringify(r.body)}`);
    out.push(r.body.uuid);
  }
  return out;
}

async function start(flow: string, who: string[]) {
  const r = await call("POST", `/flows/${flow}/start`, { contacts: who });
  expect(r.status).toBe(200);
  expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(who.map(() => "started"));
}

const metricsOf = async (flow: string) => {
  const r = await call("GET", `/flows/${flow}/metrics`);
  expect(r.status).toBe(200);
  return r.body;
};

/** The category each contact's run of `version` saved under `key`, as GET /runs shows it. */
async function categoriesInRuns(flow: string, key: string, version: number): Promise<Map<string, string>> {
  const r = await call("GET", `/runs?flow=${flow}&limit=500`);
  const out = new Map<string, string>();
  for (const run of r.body.results) if (run.flow_version === version && run.results[key]) out.set(run.contact, run.results[key].category);
  return out;
}

const abFlow = () =>
  journey("A/B offer", "messaging_background", [
    { split: () => ({ type: "split_audience", percentages: [50, 50] }), result: "Variant" },
    { say: "Offer A" },
  ]);

describe("a flow's metrics", { timeout: 120_000 }, () => {
  it("counts a 50/50 split audience per branch, each branch with its name and percentage, adding up to the contacts started and matching their runs", async () => {
    const flow = await publishFlow(abFlow(), { goal: { event: "purchase" } });
    const N = 24;
    const people = await contacts(N);
    await start(flow.uuid, people);

    await expect.poll(async () => (await metricsOf(flow.uuid)).total.entered, { timeout: 20_000, interval: 300 }).toBe(N);
    await expect.poll(async () => (await metricsOf(flow.uuid)).versions[0]?.splits[0]?.contacts, { timeout: 20_000, interval: 300 }).toBe(N);
    const m = await metricsOf(flow.uuid);
    const split = m.versions[0].splits[0];
    expect(split).toMatchObject({ type: "split_audience", result_name: "Variant", contacts: N });
    expect(split.branches.map((b: { name: string; percentage: number }) => [b.name, b.percentage])).toEqual([
      ["Done", 50],
      ["Other", 50],
    ]);
    expect(split.branches[0].contacts + split.branches[1].contacts).toBe(N);
    // With 24 contacts a 50/50 draw that put everyone on one side would be a broken split.
    expect(split.branches[0].contacts).toBeGreaterThan(0);
    expect(split.branches[1].contacts).toBeGreaterThan(0);

    // The counts are the runs: each branch has exactly the contacts whose run took it.
    await expect.poll(async () => (await categoriesInRuns(flow.uuid, "variant", 1)).size, { timeout: 20_000, interval: 300 }).toBe(N);
    const runs = await categoriesInRuns(flow.uuid, "variant", 1);
    for (const b of split.branches) expect([...runs.values()].filter((c) => c === b.name).length).toBe(b.contacts);
    expect(m.total).toEqual({ entered: N, goal_performers: 0, splits: [split] });
    expect(m.goal).toBe("purchase");

    // A contact who enters again passes the split again, on the same branch: counted once.
    await start(flow.uuid, people.slice(0, 3));
    await expect.poll(async () => (await call("GET", `/runs?contact=${people[2]}`)).body.results.length, { timeout: 20_000, interval: 300 }).toBe(2);
    // The goal reached by one of them.
    expect((await call("POST", "/events", { contact: people[0], name: "purchase" })).status).toBe(202);
    await expect.poll(async () => (await metricsOf(flow.uuid)).total.goal_performers, { timeout: 20_000, interval: 300 }).toBe(1);
    const again = await metricsOf(flow.uuid);
    expect(again.versions[0]).toMatchObject({ version: 1, entered: N, goal_performers: 1, splits: [split] });
  });

  it("counts per version, and once per contact in the total", async () => {
    const definition = abFlow();
    const flow = await publishFlow(definition);
    const people = await contacts(6);
    await start(flow.uuid, people);
    await expect.poll(async () => (await metricsOf(flow.uuid)).versions[0]?.splits[0]?.contacts, { timeout: 20_000, interval: 300 }).toBe(6);

    // Version 2 keeps the node, now 100/0: the contacts who enter it all take the first branch.
    const v2 = structuredClone(definition) as typeof definition;
    (v2.nodes[0] as { router: { percentages: number[] } }).router.percentages = [100, 0];
    expect((await call("PATCH", `/flows/${flow.uuid}`, { definition: v2 })).status).toBe(200);
    expect((await call("POST", `/flows/${flow.uuid}/publish`)).status).toBe(201);
    await start(flow.uuid, people.slice(0, 4));
    await expect.poll(async () => (await metricsOf(flow.uuid)).versions[1]?.splits[0]?.contacts, { timeout: 20_000, interval: 300 }).toBe(4);

    const m = await metricsOf(flow.uuid);
    expect(m.versions.map((v: { version: number; entered: number }) => [v.version, v.entered])).toEqual([
      [1, 6],
      [2, 4],
    ]);
    const [a, b] = m.versions[1].splits[0].branches;
    expect([a.percentage, a.contacts, b.percentage, b.contacts]).toEqual([100, 4, 0, 0]);
    // In total each contact counts once, on the branch of its first pass; names as the newest version has them.
    expect(m.total.entered).toBe(6);
    expect(m.total.splits[0].contacts).toBe(6);
    expect(m.total.splits[0].branches.map((x: { contacts: number }) => x.contacts)).toEqual(m.versions[0].splits[0].branches.map((x: { contacts: number }) => x.contacts));
    expect(m.total.splits[0].branches[0].percentage).toBe(100);
  });

  it("counts a segment split per segment", async () => {
    const key = `tier_${unique().replace(/-/g, "")}`;
    expect((await call("POST", "/fields", { key, name: key, type: "text" })).status).toBe(201);
    const flow = await publishFlow(
      journey("Segments", "messaging_background", [
        {
          split: (c) => ({
            type: "segment_audience",
            segments: [{ category_uuid: c.next, match: "all", conditions: [{ field: { key, name: key }, operator: "is", value: "gold" }] }],
            default_category_uuid: c.other,
          }),
          result: "Segment",
        },
        { say: "Gold" },
      ]),
    );
    const gold = await contacts(3, { [key]: "gold" });
    const rest = await contacts(2, { [key]: "tin" });
    await start(flow.uuid, [...gold, ...rest]);
    await expect.poll(async () => (await metricsOf(flow.uuid)).total.splits[0]?.contacts, { timeout: 20_000, interval: 300 }).toBe(5);
    const split = (await metricsOf(flow.uuid)).versions[0].splits[0];
    expect(split.type).toBe("segment_audience");
    expect(split.branches).toEqual([
      { category_uuid: expect.any(String), name: "Done", contacts: 3 },
      { category_uuid: expect.any(String), name: "Other", contacts: 2 },
    ]);
  });

  it("has nothing for a flow nobody entered, and a 404 for no such flow", async () => {
    const flow = await publishFlow(abFlow());
    expect(await metricsOf(flow.uuid)).toEqual({ flow_uuid: flow.uuid, goal: null, total: { entered: 0, goal_performers: 0, splits: [] }, versions: [] });
    expect((await call("GET", `/flows/${crypto.randomUUID()}/metrics`)).status).toBe(404);
  });
});

describe("counting under redelivery", { timeout: 60_000 }, () => {
  it("counts a pass that lands again (a D1 write the queue delivers twice) once", async () => {
    const flow = await publishFlow(abFlow());
    const [who] = await contacts(1);
    await start(flow.uuid, [who]);
    await expect.poll(async () => (await metricsOf(flow.uuid)).total.splits[0]?.contacts, { timeout: 20_000, interval: 300 }).toBe(1);
    const before = await metricsOf(flow.uuid);
    // The statements the contact's object wrote, carried out again as a redelivered batch would.
    const rows = await env.DB.prepare("SELECT * FROM flow_passes WHERE flow_uuid = ?").bind(flow.uuid).all<Record<string, unknown>>();
    expect(rows.results.length).toBe(4); // entry and branch, for version 1 and for any version
    await env.DB.batch(
      rows.results.map((r) =>
        env.DB.prepare("INSERT INTO flow_passes (flow_uuid, version, node_uuid, contact_uuid, category_uuid, passed_on) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING").bind(
          r.flow_uuid,
          r.version,
          r.node_uuid,
          r.contact_uuid,
          r.category_uuid,
          r.passed_on,
        ),
      ),
    );
    expect(await metricsOf(flow.uuid)).toEqual(before);
  });
});
