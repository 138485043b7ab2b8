import { describe, expect, it } from "vitest";
import { loadFlow } from "../../durable/engine/flow/load";
import { stableDraw } from "../../durable/engine/routers/split-audience";
import { assets, contact, engine, manual, ofType, u } from "./engine-support";

const SPLIT = "e0000000-0000-4000-8000-000000000000";

function splitFlow(percentages: number[], names = ["A", "B", "C"].slice(0, percentages.length)) {
  return {
    uuid: SPLIT,
    name: "Split",
    spec_version: "14.4.0",
    language: "eng",
    type: "messaging_background",
    nodes: [
      {
        uuid: u(900),
        actions: [],
        router: {
          type: "split_audience",
          result_name: "Variant",
          percentages,
          categories: names.map((name, i) => ({ uuid: u(910 + i), name, exit_uuid: u(920 + i) })),
        },
        exits: names.map((_, i) => ({ uuid: u(920 + i) })),
      },
    ],
  };
}

async function branchOf(contactUUID: string, percentages: number[]): Promise<string> {
  const sprint = await engine().start(assets(splitFlow(percentages)), manual({ uuid: SPLIT, name: "Split" }, contact({ uuid: contactUUID })));
  return ofType(sprint.events, "run_result_changed")[0].category;
}

const contactUUID = (i: number) => `a${String(i).padStart(7, "0")}-1111-4000-8000-${String(i * 7919).padStart(12, "0")}`;

describe("split audience", () => {
  it("sends a contact down the same branch every time, whatever the session's random source says", async () => {
    const first = await branchOf(contactUUID(1), [50, 30, 20]);
    for (let i = 0; i < 3; i++) expect(await branchOf(contactUUID(1), [50, 30, 20])).toBe(first);
  });

  it("spreads contacts over the branches by their percentages", async () => {
    const counts: Record<string, number> = { A: 0, B: 0, C: 0 };
    for (let i = 0; i < 600; i++) counts[await branchOf(contactUUID(i), [50, 30, 20])]++;
    // 600 draws: each share within 5 points of its percentage (about 2.5 standard deviations).
    expect(counts.A / 6).toBeGreaterThan(45);
    expect(counts.A / 6).toBeLessThan(55);
    expect(counts.B / 6).toBeGreaterThan(25);
    expect(counts.B / 6).toBeLessThan(35);
    expect(counts.C / 6).toBeGreaterThan(15);
    expect(counts.C / 6).toBeLessThan(25);
  });

  it("never takes a 0% branch, and draws differently on another node", async () => {
    for (let i = 0; i < 50; i++) expect(await branchOf(contactUUID(i), [0, 100])).toBe("B");
    expect(stableDraw("contact:node-1")).not.toBe(stableDraw("contact:node-2"));
  });

  it("saves the draw as the result's value and the branch as its category", async () => {
    const sprint = await engine().start(assets(splitFlow([50, 50])), manual({ uuid: SPLIT, name: "Split" }, contact()));
    const [result] = ofType(sprint.events, "run_result_changed");
    expect(result.name).toBe("Variant");
    expect(Number(result.value)).toBeGreaterThanOrEqual(0);
    expect(Number(result.value)).toBeLessThan(1);
    expect(["A", "B"]).toContain(result.category);
  });

  it("must have one percentage per branch, adding up to 100", () => {
    expect(loadFlow(splitFlow([50, 30, 20]))).toMatchObject({ ok: true, problems: [] });
    const messages = (p: number[], names?: string[]) => loadFlow(splitFlow(p, names)).problems.map((x) => x.message).join("\n");
    expect(messages([50, 30, 30])).toContain("the percentages add up to 110, they must add up to 100");
    expect(messages([50, 50], ["A", "B", "C"])).toContain("2 percentages for 3 categories: give one per category");
    expect(messages([50.5, 49.5])).toContain("router.percentages");
  });
});
