import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import example from "../../.dev.vars.example?raw";
import { ORIGIN } from "./helpers";

const placeholder = example.match(/^EDDY_API_TOKEN=(.*)$/m)?.[1];

async function getTokens(envToken: string, bearer: string) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(ORIGIN + "/api/v1/tokens", { headers: { authorization: `Bearer ${bearer}` } }),
    { ...env, EDDY_API_TOKEN: envToken },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

describe("the .dev.vars.example placeholder", () => {
  it("is never accepted, even when EDDY_API_TOKEN still holds it, and the 401 says why", async () => {
    expect(placeholder).toBeTruthy();
    const res = await getTokens(placeholder!, placeholder!);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "unauthorized", message: expect.stringContaining(".dev.vars.example") });
  });

  it("does not stand in the way of a real EDDY_API_TOKEN", async () => {
    const real = "a-real-token-" + crypto.randomUUID();
    expect((await getTokens(real, real)).status).toBe(200);
    expect((await getTokens(real, placeholder!)).status).toBe(401);
  });
});
