import { createScheduledController, createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";

describe("the Worker", () => {
  it("answers its health check", async () => {
    const res = await exports.default.fetch("http://eddy.test/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it("answers unknown routes with a JSON 404", async () => {
    const res = await exports.default.fetch("http://eddy.test/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "not_found" });
  });

  it("records each cron tick in D1", async () => {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.parse("2026-11-21T10:00:00Z"), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const row = await env.DB.prepare("SELECT fired_at FROM cron_ticks").first<{ fired_at: string }>();
    expect(row?.fired_at).toBe("2026-11-21T10:00:00.000Z");
  });

  it("gives each contact its own Durable Object with SQLite storage", async () => {
    const a = env.CONTACTS.getByName("contact-a");
    await a.bind("contact-a");
    expect(await a.describe()).toEqual({ contactUuid: "contact-a" });
    expect(await env.CONTACTS.getByName("contact-b").describe()).toEqual({ contactUuid: null });
  });
});
