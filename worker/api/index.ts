import { Hono } from "hono";
import { database } from "../db";
import { forgetAssets } from "../../durable/contact/fresh-assets";
import { authenticate } from "../auth/middleware";
import type { ApiEnv } from "./context";
import { cappedBody } from "./body";
import { handleError } from "./errors";
import { describe, openApiDocument } from "./openapi";
import { audienceRoutes } from "./audiences";
import { channelRoutes } from "./channels";
import { contactActions } from "./contact-actions";
import { contactRoutes } from "./contacts";
import { doNotContactRoutes } from "./do-not-contact";
import { environmentRoutes } from "./environment";
import { fieldRoutes } from "./fields";
import { flowGoalRoutes } from "./flow-goal";
import { flowMetricsRoutes } from "./flow-metrics";
import { flowListRoutes } from "./flow-list";
import { flowVersionRoutes } from "./flow-versions";
import { flowRoutes } from "./flows";
import { groupRoutes } from "./groups";
import { meRoutes } from "./me";
import { messageRoutes } from "./messages";
import { runRoutes } from "./runs";
import { scheduleRoutes } from "./schedules";
import { simulatorRoutes } from "./simulator";
import { startRoutes } from "./starts";
import { tokens } from "./tokens";
import { triggerRoutes } from "./triggers";
import { userRoutes } from "./users";
import { whatsappFormRoutes } from "./whatsapp-forms";

/** The REST API, mounted at /api/v1 by the app. */
export const api = new Hono<ApiEnv>();

api.onError(handleError);

// Before anything reads a body, the token check included (worker/api/body.ts).
api.use("*", cappedBody);

api.use("*", async (c, next) => {
  c.set("db", database(c.env.DB));
  await next();
  // Flows, triggers, fields, groups or channels written here: this isolate's contact objects see them at once.
  if (c.req.method !== "GET") forgetAssets();
});

// Registered before the auth middleware, so it answers without a token: Hono runs matching
// handlers in registration order, and this one responds without calling next().
api.get("/openapi.json", describe({ tag: "meta", summary: "This OpenAPI 3.1 document", public: true }), (c) => {
  const url = new URL(c.req.url);
  return c.json(openApiDocument(api.routes, `${url.origin}${url.pathname.replace(/\/openapi\.json$/, "")}`));
});

// A bearer token or the session cookie, then the role the method and path need (worker/auth/roles.ts).
api.use("*", authenticate);

api.route("/flows", flowListRoutes);
api.route("/flows", flowRoutes);
api.route("/flows", flowVersionRoutes);
api.route("/flows", flowGoalRoutes);
api.route("/flows", flowMetricsRoutes);
api.route("/contacts", contactRoutes);
api.route("/fields", fieldRoutes);
api.route("/groups", groupRoutes);
api.route("/channels", channelRoutes);
api.route("/triggers", triggerRoutes);
api.route("/messages", messageRoutes);
api.route("/do-not-contact", doNotContactRoutes);
api.route("/environment", environmentRoutes);
api.route("/runs", runRoutes);
api.route("/starts", startRoutes);
api.route("/schedules", scheduleRoutes);
api.route("/audiences", audienceRoutes);
api.route("/simulator", simulatorRoutes);
api.route("/tokens", tokens);
api.route("/users", userRoutes);
api.route("/me", meRoutes);
api.route("/whatsapp-forms", whatsappFormRoutes);
api.route("/", contactActions);
