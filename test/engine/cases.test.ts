/// <reference types="vite/client" />
// The replay regression suite inside workerd: the same cases as `npm run replay`, through the same
// pure runner, so the engine is proven on the runtime that will run it.
import { describe, expect, it } from "vitest";
import { assetsFileName } from "../../cli/replay/case";
import { runCase } from "../../cli/replay/run";
import { KNOWN_FAILING } from "./cases/known-failing";

const files = import.meta.glob<{ default: unknown }>("./cases/*.json", { eager: true });
const json = (name: string) => files[`./cases/${name}`]?.default;
const cases = Object.keys(files)
  .map((path) => path.slice("./cases/".length))
  .filter((name) => name.endsWith(".test.json"))
  .sort();

describe("replay cases in workerd", () => {
  it("finds the suite", () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const name of cases) {
    const run = name in KNOWN_FAILING ? it.fails : it;
    run(name, async () => {
      const c = json(name) as { outputs: unknown[] };
      const assets = json(assetsFileName(name));
      expect(assets, `assets file ${assetsFileName(name)}`).toBeDefined();
      const { outputs } = await runCase(c, assets);
      expect(outputs).toEqual(c.outputs);
    });
  }
});
