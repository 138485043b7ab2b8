import { app } from "./app";
import { consumeD1Writes } from "./d1-writes/queue";
import { runScheduled } from "./scheduled";
import { fireQueued, type QueuedFire } from "./schedules/queue";
import { isDatePlan, planQueued } from "./triggers/plan-fanout";
import { evaluateQueued, isGroupEvaluation } from "./segments/group-fanout";

export { ContactSession } from "../durable/contact/contact-session";
export { StartCoordinator } from "../durable/starts/coordinator";
export { ChannelRate } from "../durable/rate/channel-rate";

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => {
    ctx.waitUntil(runScheduled(env, new Date(controller.scheduledTime)));
  },
  // One handler for every queue this Worker consumes, told apart by the queue's name.
  queue: async (batch, env) => {
    if (batch.queue === "eddy-schedule-fires") {
      // The queue also carries date-relative triggers' planning pages (worker/triggers/plan-fanout.ts)
      // and smart groups' evaluation pages (worker/segments/group-fanout.ts).
      const bodies = batch.messages.map((m) => m.body);
      const plans = bodies.filter(isDatePlan);
      const evaluations = bodies.filter(isGroupEvaluation);
      if (plans.length) await planQueued(env, plans, plans.length < bodies.length);
      if (evaluations.length) await evaluateQueued(env, evaluations, evaluations.length < bodies.length);
      return fireQueued(env, { ...batch, messages: batch.messages.filter((m) => !isDatePlan(m.body) && !isGroupEvaluation(m.body)) } as MessageBatch<QueuedFire>);
    }
    // Contact objects' D1 writes and providers' status callbacks, written behind (and what its dead-letter queue holds: still written, never dropped).
    if (batch.queue === "eddy-d1-writes" || batch.queue === "eddy-d1-writes-dead") return consumeD1Writes(env, batch);
    throw new Error(`no consumer for queue ${batch.queue}`);
  },
} satisfies ExportedHandler<Env>;
