// Cloudflare's per-invocation limits (1,000 subrequests, 1,000 D1 queries), which local workerd
// does not enforce, counted from outside (test/limits/count.ts): a broadcast's alarm spreads its recipients
// over invocations within the object's budget.
import { env, runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { limits } from "../../durable/contact/budget";
import { subrequests, takeInvocations } from "../limits/count";
import { countContactInvocations } from "./entry-points";
import { call, contactByUrn, contactObject, keywordTrigger, linearFlow, phone, postTwilio, publishFlow, say, twilioChannel, twilioOutbox, twilioSms } from "./support";

const { sent } = twilioOutbox();
beforeAll(() => countContactInvocations());
const defaults = { ...limits };
afterEach(() => Object.assign(limits, defaults));

/** `n` active contacts with phone numbers in a new group, written to D1 in bulk. */
async function groupOf(n: number): Promise<{ uuid: string; name: string; tels: string[] }> {
  const group = (await call("POST", "/groups", { name: `Crowd ${crypto.randomUUID().slice(0, 6)}` })).body;
  const at = new Date().toISOString();
  const tels = Array.from({ length: n }, phone);
  const rows = tels.map((tel) => ({ uuid: crypto.randomUUID(), tel }));
  for (let i = 0; i < rows.length; i += 20) {
    const chunk = rows.slice(i, i + 20);
    await env.DB.batch([
      env.DB.prepare(`INSERT INTO contacts (uuid, status, fields, created_on, modified_on) VALUES ${chunk.map(() => "(?, 'active', '{}', ?, ?)").join(", ")}`).bind(...chunk.flatMap((r) => [r.uuid, at, at])),
      env.DB.prepare(`INSERT INTO contact_urns (scheme, path, contact_uuid, priority) VALUES ${chunk.map(() => "('tel', ?, ?, 0)").join(", ")}`).bind(...chunk.flatMap((r) => [r.tel, r.uuid])),
      env.DB.prepare(`INSERT INTO group_members (group_uuid, contact_uuid) VALUES ${chunk.map(() => "(?, ?)").join(", ")}`).bind(...chunk.flatMap((r) => [group.uuid, r.uuid])),
    ]);
  }
  return { ...group, tels };
}

describe("a broadcast's alarm", () => {
  it("calls no more recipients per invocation than the budget allows, and re-arms itself until everyone has the message", async () => {
    limits.subrequests = 40;
    const channel = await twilioChannel(1000);
    const crowd = await groupOf(60);
    const flow = await publishFlow(linearFlow("Announce", "messaging", [{ actions: [{ type: "send_broadcast", text: "Meeting at 5pm", groups: [{ uuid: crowd.uuid, name: crowd.name }] }, say("Sent")] }]));
    await keywordTrigger(flow.uuid, channel.uuid, "announce");
    const from = phone();
    await postTwilio(channel.uuid, twilioSms(channel, from, "announce"));
    const sender = (await contactByUrn(`tel:${from}`))!;
    takeInvocations();

    // Re-armed at once while recipients are left (the runtime may run it before the test does).
    for (let i = 0; i < 100; i++) {
      const state = await contactObject(sender).state();
      if (state.fanouts.every((f) => f.state !== "pending")) break;
      if (state.alarm !== null) expect(state.alarm).toBeLessThanOrEqual(Date.now());
      if (!(await runDurableObjectAlarm(contactObject(sender)))) await scheduler.wait(20);
    }
    const mine = takeInvocations().filter((u) => u.contact === sender && u.name === "ContactSession.alarm");
    expect(mine.length).toBeGreaterThanOrEqual(2);
    for (const u of mine) expect(subrequests(u)).toBeLessThanOrEqual(40);
    expect(mine.reduce((n, u) => n + u.objectCalls, 0)).toBe(60);
    expect(new Set(sent.filter((s) => s.body === "Meeting at 5pm").map((s) => s.to))).toEqual(new Set(crowd.tels));
    expect(sent.filter((s) => s.body === "Meeting at 5pm")).toHaveLength(60);
  }, 30_000);
});
