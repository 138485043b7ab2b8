import { app } from "./app";
import { runScheduled } from "./scheduled";

export { ContactSession } from "../durable/contact/contact-session";
export { StartCoordinator } from "../durable/starts/coordinator";
export { ChannelRate } from "../durable/rate/channel-rate";

export default {
  fetch: app.fetch,
  scheduled: (controller, env, ctx) => {
    ctx.waitUntil(runScheduled(env, new Date(controller.scheduledTime)));
  },
} satisfies ExportedHandler<Env>;
