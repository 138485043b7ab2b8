import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, ORIGIN, unique } from "../api/helpers";
import { hex, hmacBytes } from "../channels/support";
import { APP_SECRET, FakeMeta, flowJson, formsChannel, useFormsMeta } from "./meta-mock";

const { meta, server } = useFormsMeta("203390129340777");

/** A notification signed as Meta signs it, posted to the channel's webhook. */
async function notify(channel: string, entry: Record<string, unknown>[]): Promise<Response> {
  const body = JSON.stringify({ object: "whatsapp_business_account", entry });
  const sig = "sha256=" + hex(await hmacBytes("SHA-256", APP_SECRET, body));
  return exports.default.fetch(`${ORIGIN}/channels/${channel}/receive`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sig }, body });
}

const statusChange = (flowId: string, from: string, to: string) => ({ field: "flows", value: { event: "FLOW_STATUS_CHANGE", message: `Flow changed status from ${from} to ${to}`, flow_id: flowId, old_status: from, new_status: to } });

describe("WhatsApp forms: Meta's flows webhook", () => {
  it("moves a published form one step at a time, keeps every step and alert in its history, and ignores a late one", async () => {
    const channel = await formsChannel(meta.waba);
    const created = await call("POST", "/whatsapp-forms", { channel, name: `Hooked ${unique()}`, categories: ["SURVEY"], flow_json: flowJson() });
    const form = (await call("POST", `/whatsapp-forms/${created.body.uuid}/publish`)).body;

    expect((await notify(channel, [{ id: meta.waba, time: 1767225600, changes: [statusChange(form.meta_id, "PUBLISHED", "THROTTLED")] }])).status).toBe(200);
    let now = (await call("GET", `/whatsapp-forms/${form.uuid}`)).body;
    expect(now.status).toBe("THROTTLED");

    const alert = { event: "ENDPOINT_LATENCY", message: "p90 latency above 7s", flow_id: form.meta_id, p90_latency: 7400, p50_latency: 620, requests_count: 51, threshold: 7000, alert_state: "ACTIVATED" };
    await notify(channel, [{ id: meta.waba, time: 1767225700, changes: [{ field: "flows", value: alert }, statusChange(form.meta_id, "THROTTLED", "BLOCKED")] }]);
    // Sent before the two above, delivered after them: recorded, but the status stays.
    await notify(channel, [{ id: meta.waba, time: 1767225500, changes: [statusChange(form.meta_id, "DRAFT", "PUBLISHED")] }]);
    now = (await call("GET", `/whatsapp-forms/${form.uuid}`)).body;
    expect(now.status).toBe("BLOCKED");
    expect(now.health.ENDPOINT_LATENCY).toMatchObject({ p90_latency: 7400, alert_state: "ACTIVATED", at: "2026-01-01T00:01:40.000Z" });
    expect(now.history.map((h: Record<string, unknown>) => [h.source, h.event, h.new_status ?? h.alert_state, h.late ?? false])).toEqual([
      ["api", "FLOW_STATUS_CHANGE", "DRAFT", false],
      ["api", "FLOW_STATUS_CHANGE", "PUBLISHED", false],
      ["webhook", "FLOW_STATUS_CHANGE", "THROTTLED", false],
      ["webhook", "ENDPOINT_LATENCY", "ACTIVATED", false],
      ["webhook", "FLOW_STATUS_CHANGE", "BLOCKED", false],
      ["webhook", "FLOW_STATUS_CHANGE", "PUBLISHED", true],
    ]);

    // Another business account's notification does not speak for this form.
    await notify(channel, [{ id: "999", time: 1767226000, changes: [statusChange(form.meta_id, "BLOCKED", "THROTTLED")] }]);
    expect((await call("GET", `/whatsapp-forms/${form.uuid}`)).body.status).toBe("BLOCKED");
  });

  it("refuses a malformed flows change with a 400 naming it, and an unsigned one with a 401", async () => {
    const channel = await formsChannel(meta.waba);
    const bad = await notify(channel, [{ id: meta.waba, changes: [{ field: "flows", value: { event: "FLOW_STATUS_CHANGE", flow_id: "not-a-number" } }] }]);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toBe("entry.0.changes.0.value.flow_id: must be numeric");
    const unsigned = await exports.default.fetch(`${ORIGIN}/channels/${channel}/receive`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(unsigned.status).toBe(401);
  });
});

describe("WhatsApp forms: sync", () => {
  it("brings in the account's forms and their Flow JSON page by page within its budget, and continues from `next`", async () => {
    const waba = new FakeMeta("304490129340888");
    server.use(...waba.handlers());
    const channel = await formsChannel(waba.waba);
    // One made through Eddy (it is updated, not duplicated), 449 made elsewhere.
    const mine = (await call("POST", "/whatsapp-forms", { channel, name: "Mine", categories: ["OTHER"], flow_json: flowJson() })).body;
    for (let i = 0; i < 449; i++) {
      const id = String(8000000000000000 + i);
      // Each with its own Flow JSON (a screen named after it); the last has none at all.
      waba.flows.set(id, { id, name: `Elsewhere ${i}`, status: i % 2 ? "PUBLISHED" : "DRAFT", categories: ["SURVEY"], validation_errors: [], ...(i < 448 ? { json: flowJson(`S_${"abcdefghij"[i % 10]}`) } : {}) });
    }
    waba.flows.get(mine.meta_id)!.status = "PUBLISHED";

    waba.calls.length = 0;
    const first = await call("POST", "/whatsapp-forms/sync", { channel });
    expect(first.status).toBe(200);
    // A page costs a call to Meta, a read and a batch of writes; each Flow JSON two calls (its asset
    // listed, then downloaded). Two pages and 46 forms of the third fit in the 500 subrequests a
    // request allows itself; `next` asks for the third page again.
    expect(first.body).toEqual({ created: 299, updated: 1, unchanged: 0, downloaded: 245, next: "200" });
    expect(waba.calls.filter((c) => c.startsWith("GET /flows"))).toEqual(["GET /flows after=", "GET /flows after=100", "GET /flows after=200"]);
    expect(waba.calls.length, "Meta's calls, within the budget with the D1 round trips").toBe(3 + 245 * 2);
    expect(waba.calls).not.toContain(`GET /${mine.meta_id}/assets`);

    const rest = await call("POST", "/whatsapp-forms/sync", { channel, after: first.body.next });
    // The third page's 54 forms without their JSON get it; the last form has none to download.
    expect(rest.body).toEqual({ created: 150, updated: 54, unchanged: 46, downloaded: 203, next: null });
    // Forms with their JSON cost nothing more: each page one call to Meta and one query; the form
    // without any is asked again.
    waba.calls.length = 0;
    const again = await call("POST", "/whatsapp-forms/sync", { channel });
    expect(again.body).toEqual({ created: 0, updated: 0, unchanged: 450, downloaded: 0, next: null });
    expect(waba.calls).toHaveLength(5 + 1);

    const list = (await call("GET", `/whatsapp-forms?channel=${channel}`)).body.results;
    expect(list).toHaveLength(450);
    const synced = list.find((f: { name: string }) => f.name === "Elsewhere 1");
    expect(synced).toMatchObject({ status: "PUBLISHED", flow_json: flowJson("S_b"), history: [expect.objectContaining({ source: "sync", new_status: "PUBLISHED" })] });
    expect(list.find((f: { name: string }) => f.name === "Elsewhere 448")).toMatchObject({ flow_json: null });
    const updated = list.find((f: { uuid: string }) => f.uuid === mine.uuid);
    expect(updated).toMatchObject({ status: "PUBLISHED", flow_json: flowJson() });
    expect(updated.history.map((h: { source: string; new_status: string }) => `${h.source}:${h.new_status}`)).toEqual(["api:DRAFT", "sync:PUBLISHED"]);
  }, 30_000);
});
