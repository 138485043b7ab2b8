import { DurableObject } from "cloudflare:workers";

interface FloorEnv {
  FLOOR: DurableObjectNamespace<FloorContact>;
}

/** One object per sender, like Eddy's contact object, doing nothing but storing the message. */
export class FloorContact extends DurableObject<FloorEnv> {
  constructor(ctx: DurableObjectState, env: FloorEnv) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, body TEXT NOT NULL, received_at INTEGER NOT NULL)");
  }

  write(id: string, body: string): void {
    this.ctx.storage.sql.exec("INSERT INTO messages (id, body, received_at) VALUES (?, ?, ?)", id, body, Date.now());
  }
}

export default {
  // Takes the same Twilio form posts as Eddy's webhook, so both sides parse the same request.
  async fetch(request, env) {
    if (request.method !== "POST") return new Response("floor");
    const form = new URLSearchParams(await request.text());
    const from = form.get("From");
    const id = form.get("MessageSid");
    if (!from || !id) return new Response("From and MessageSid are required", { status: 400 });
    await env.FLOOR.getByName(from).write(id, form.get("Body") ?? "");
    return new Response('<?xml version="1.0" encoding="UTF-8"?><Response/>', { headers: { "content-type": "text/xml" } });
  },
} satisfies ExportedHandler<FloorEnv>;
