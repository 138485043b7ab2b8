import { Hono } from "hono";
import { z } from "zod";
import { relay, RELAY_LIMITS } from "../simulator/relay";
import { refusedHost } from "../simulator/public-host";
import type { ApiEnv } from "./context";
import { describe, validate } from "./openapi";

const tag = "simulator";

const HttpUrl = z
  .url({ protocol: /^https?$/, error: "must be an http or https URL" })
  .max(2048)
  .superRefine((u, ctx) => {
    const refused = refusedHost(new URL(u));
    if (refused) ctx.addIssue({ code: "custom", message: `cannot be called from the simulator: ${refused}` });
  });

export const RelayBody = z.strictObject({
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]),
  url: HttpUrl,
  headers: z.record(z.string().max(256), z.string().max(8192)).refine((h) => Object.keys(h).length <= 50, "at most 50 headers").default({}),
  body: z.string().max(64 * 1024, "at most 64 KiB").default(""),
});

const RelayOut = z.union([
  z.object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.string().describe(`cut at ${RELAY_LIMITS.maxResponseBytes} bytes`) }),
  z.object({ error: z.string().describe("no HTTP answer: refused host, connection error, timeout") }),
]);

/** What the console's simulator needs from the server: the browser cannot call arbitrary hosts. */
export const simulatorRoutes = new Hono<ApiEnv>().post(
  "/http",
  describe({
    tag,
    summary: `Call a flow's webhook for the simulator: the request is made from the Worker (${RELAY_LIMITS.timeoutMs / 1000} s time limit, response cut at ${RELAY_LIMITS.maxResponseBytes / 1024} KiB, at most ${RELAY_LIMITS.maxRedirects} redirects, loopback and private hosts refused)`,
    response: RelayOut,
  }),
  validate("json", RelayBody),
  async (c) => c.json(await relay(c.req.valid("json"))),
);
