// The contact object hands the engine flows it has already loaded: a published version's definition
// is the same object across asset reloads, so the engine's loaded-flow cache (keyed by that object)
// migrates and validates each version once per isolate, not once per reload.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { assetsFor } from "../../durable/contact/assets";
import { Assets } from "../../durable/engine/assets";
import { call, linearFlow, publishFlow, say } from "./support";

describe("flow definitions across asset reloads", () => {
  it("are the same objects for the same published version, and new ones for a new version", async () => {
    const flow = await publishFlow(linearFlow("Cached", "messaging", [{ actions: [say("one")] }]));
    const a = await assetsFor(env.DB, `stamp-${crypto.randomUUID()}`, Date.now());
    const b = await assetsFor(env.DB, `stamp-${crypto.randomUUID()}`, Date.now());
    expect(a).not.toBe(b);
    const def = a.flows.get(flow.uuid)!.definition;
    expect(b.flows.get(flow.uuid)!.definition).toBe(def);
    expect(b.engine.flows).toContain(def);
    // The engine's Assets of two different sprints share the loaded flow.
    expect(new Assets(b.engine).flow(flow.uuid)).toBe(new Assets(a.engine).flow(flow.uuid));

    const draft = (await call("GET", `/flows/${flow.uuid}`)).body;
    const definition = { ...draft.definition, nodes: linearFlow("Cached", "messaging", [{ actions: [say("two")] }]).nodes };
    expect((await call("PATCH", `/flows/${flow.uuid}`, { definition })).status).toBeLessThan(300);
    expect((await call("POST", `/flows/${flow.uuid}/publish`)).status).toBe(201);
    const c = await assetsFor(env.DB, `stamp-${crypto.randomUUID()}`, Date.now());
    expect(c.flows.get(flow.uuid)!.version).toBe(a.flows.get(flow.uuid)!.version + 1);
    expect(c.flows.get(flow.uuid)!.definition).not.toBe(def);
  });
});
