import { DurableObject } from "cloudflare:workers";

interface FloorEnv {
  FLOOR: DurableObjectNamespace<FloorTimer>;
}

/** One object per contact, like Eddy's contact object, doing nothing but ringing one alarm and saying so. */
export class FloorTimer extends DurableObject<FloorEnv> {
  async arm(due: number, url: string): Promise<void> {
    await this.ctx.storage.put("url", url);
    await this.ctx.storage.setAlarm(due);
  }

  override async alarm(): Promise<void> {
    const url = await this.ctx.storage.get<string>("url");
    if (url) await (await fetch(url)).arrayBuffer();
  }
}

export default {
  // POST /arm?c=<name>&due=<epoch ms>&url=<to call when it rings>
  async fetch(request, env) {
    const q = new URL(request.url).searchParams;
    const [c, due, url] = [q.get("c"), Number(q.get("due")), q.get("url")];
    if (request.method !== "POST" || !c || !Number.isFinite(due) || !url) return new Response("floor: POST /arm?c=&due=&url=", { status: request.method === "POST" ? 400 : 200 });
    await env.FLOOR.getByName(c).arm(due, url);
    return new Response(null, { status: 204 });
  },
} satisfies ExportedHandler<FloorEnv>;
