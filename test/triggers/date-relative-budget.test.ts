// A date-relative trigger made for contacts that already have the date: every one of them is
// planned, a page of contacts per invocation (the request, then SCHEDULE_FIRES queue batches),
// each invocation counted against its budget (test/limits/count.ts).
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { datePlanning, type DatePlan } from "../../worker/triggers/plan-fanout";
import { ENV_TOKEN, ORIGIN } from "../api/helpers";
import { call, contactObject, linearFlow, publishFlow, say, unique } from "../contact/support";
import { capturedQueue, invocation, subrequests, type Cost } from "../limits/count";

const defaults = { ...datePlanning };
afterEach(() => Object.assign(datePlanning, defaults));

describe("planning a new date-relative trigger", () => {
  it("plans every contact that has the field, at most a page of contacts per invocation", { timeout: 60_000 }, async () => {
    datePlanning.pageSize = 5;
    const key = `due_${unique().replace(/[^a-z0-9]/g, "")}`;
    expect((await call("POST", "/fields", { key, name: key, type: "datetime" })).status).toBe(201);
    const contacts: string[] = [];
    for (let i = 0; i < 12; i++) contacts.push((await call("POST", "/contacts", { fields: { [key]: `2099-0${1 + (i % 9)}-15T10:00:00Z` } })).body.uuid);
    const flow = await publishFlow(linearFlow("Due", "messaging_background", [{ actions: [say("due")] }]));

    const queue = capturedQueue<DatePlan>();
    const counted = { ...env, EDDY_API_TOKEN: ENV_TOKEN, SCHEDULE_FIRES: queue } as unknown as Env;
    const invocations: Cost[] = [];
    const { result: created, cost } = await invocation("POST /triggers", async () => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request(`${ORIGIN}/api/v1/triggers`, {
          method: "POST",
          headers: { authorization: `Bearer ${ENV_TOKEN}`, "content-type": "application/json" },
          body: JSON.stringify({ type: "date_relative", flow: flow.uuid, params: { field: key, relative: "before", amount: 1, unit: "days" } }),
        }),
        counted,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    });
    expect(created.status).toBe(201);
    invocations.push(cost);
    for (let delivered = 0; delivered < queue.sent.length; ) {
      const bodies = queue.sent.slice(delivered);
      delivered = queue.sent.length;
      const batch = createMessageBatch<DatePlan>("eddy-schedule-fires", bodies.map((body, i) => ({ id: `d${delivered + i}`, timestamp: new Date(), attempts: 1, body })));
      invocations.push((await invocation("queue batch", () => worker.queue(batch as MessageBatch<never>, counted))).cost);
    }

    // 5 in the request, 5 and 2 from the queue; each contact planned once, 1 day before its date.
    expect(invocations.map((c) => c.objectCalls)).toEqual([5, 5, 2]);
    for (const c of invocations.slice(1)) expect(c.d1Queries, JSON.stringify(c)).toBeLessThanOrEqual(2);
    for (const c of invocations) expect(subrequests(c), JSON.stringify(c)).toBeLessThanOrEqual(datePlanning.pageSize + 20);
    for (const [i, contact] of contacts.entries()) {
      const timers = (await contactObject(contact).state()).timers.filter((t) => t.kind === "date_trigger");
      expect(timers.map((t) => t.due_at)).toEqual([Date.parse(`2099-0${1 + (i % 9)}-14T10:00:00Z`)]);
    }
    await call("DELETE", `/triggers/${created.status === 201 ? ((await created.json()) as { uuid: string }).uuid : ""}`);
  });
});
