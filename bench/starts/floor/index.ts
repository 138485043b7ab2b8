import { DurableObject } from "cloudflare:workers";
import { begin, startStatements } from "../../../worker/starts/create";
import type { Audience } from "../../../worker/starts/spec";

export { StartCoordinator } from "../../../durable/starts/coordinator";

/** What the coordinator calls instead of Eddy's contact object: no flow, one row written. */
export class FloorContact extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS starts (start_uuid TEXT PRIMARY KEY, started_at INTEGER NOT NULL)");
  }

  startFlow(contactUuid: string, _origin: string, req: { startUuid: string }): { status: "started"; session: string } {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO starts (start_uuid, started_at) VALUES (?, ?)", req.startUuid, Date.now());
    return { status: "started", session: contactUuid };
  }
}

export default {
  // POST /starts: recorded and begun as Eddy's API does it (the flow is a seeded row); GET /starts/:uuid: its D1 row.
  async fetch(request, env) {
    const url = new URL(request.url);
    if (request.method === "POST" && url.pathname === "/starts") {
      const body = (await request.json()) as { flow: string; audience: Audience };
      const uuid = crypto.randomUUID();
      await env.DB.batch(await startStatements(env.DB, { uuid, flowUuid: body.flow, audience: body.audience, options: { interrupt: true }, origin: url.origin }, new Date().toISOString()));
      await begin(env, uuid);
      return Response.json({ uuid }, { status: 202 });
    }
    const start = url.pathname.match(/^\/starts\/([0-9a-f-]{36})$/);
    if (start) return Response.json(await env.DB.prepare("SELECT status, targeted, started, failed FROM starts WHERE uuid = ?").bind(start[1]).first());
    return new Response("floor");
  },
} satisfies ExportedHandler<Env>;
