import { Hono } from "hono";
import { api } from "./api";
import { cappedBody } from "./api/body";
import { authRoutes } from "./auth/routes";
import { webhooks } from "./webhooks";
import { formEndpoint } from "./whatsapp-forms/endpoint";

export const app = new Hono<{ Bindings: Cloudflare.Env }>();

app.get("/health", (c) => c.json({ ok: true }));

app.use("/auth/*", cappedBody);
app.route("/api/v1", api);
app.route("/auth", authRoutes);
app.route("/", webhooks);
app.route("/", formEndpoint);

app.notFound((c) => c.json({ error: "not_found", message: `no route for ${c.req.method} ${c.req.path}` }, 404));
