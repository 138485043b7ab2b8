import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getProvider } from "../channels/registry";
import type { Channel, InboundMessage } from "../channels/types";
import { channelFromRow, CHANNEL_COLUMNS } from "../../durable/contact/assets";
import { currentAssets } from "../../durable/contact/fresh-assets";
import { checkParsed } from "./checks";
import { ownerOfUrn } from "./contacts";
import { queueStatuses } from "./statuses";
import { countedD1, type D1Usage } from "./usage";
import { applyFormEvents } from "../whatsapp-forms/apply";
import { applyFormAnswers } from "../whatsapp-forms/answers";

/**
 * Channel webhooks: `/channels/:uuid/receive` (messages, and statuses for providers with one URL;
 * GET for Meta's verification) and `/channels/:uuid/status`. The provider's signature is checked
 * before anything is stored; accepted messages go to their contacts' objects, which store them
 * before the provider gets its answer.
 */
type Env = { Bindings: Cloudflare.Env };

export const webhooks = new Hono<Env>();

/**
 * The channel from the isolate's assets (durable/contact/fresh-assets.ts: no D1 query while they
 * are fresh, one for their stamp every 5 s), else from D1 (a channel made since).
 */
async function findChannel(db: D1Database, uuid: string): Promise<Channel | null> {
  const known = (await currentAssets(db, Date.now())).channels.get(uuid);
  if (known) return known;
  const r = await db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE uuid = ?`).bind(uuid).first<Record<string, unknown>>();
  return r && channelFromRow(r);
}

// Mailgun forwards a routed email (up to its 25 MB) with its attachments; every other provider posts
// notifications far below 4 MB (Meta's largest, a batch, stays under 3 MB).
const MAX_BODY_BYTES: Record<string, number> = { email: 40 * 1024 * 1024, default: 4 * 1024 * 1024 };

const notFound = () => Response.json({ error: "not_found", message: "no such channel" }, { status: 404 });

webhooks.get("/channels/:uuid/receive", async (c) => {
  const channel = await findChannel(c.env.DB, c.req.param("uuid"));
  const provider = channel && getProvider(channel.type);
  const answer = provider?.handleVerification?.(c.req.raw, channel!);
  return answer ?? notFound();
});

async function receive(c: Context<Env, "/channels/:uuid/*">): Promise<Response> {
  // The benches' figures: the webhook's D1 round trips, logged (worker/webhooks/usage.ts).
  const usage = (c.env as { EDDY_USAGE_LOG?: string }).EDDY_USAGE_LOG ? { reads: 0, writes: 0, others: 0 } : null;
  const db = usage ? countedD1(c.env.DB, usage) : c.env.DB;
  const channel = await findChannel(db, c.req.param("uuid"));
  const provider = channel && getProvider(channel.type);
  if (!channel || !provider) return notFound();
  const limit = MAX_BODY_BYTES[channel.type] ?? MAX_BODY_BYTES.default;
  // Refused from its Content-Length before it is read; a body streamed without one, once it passes the limit.
  let answer: Response | undefined;
  const refused = await bodyLimit({ maxSize: limit, onError: () => Response.json({ error: "too_large", message: `the body is larger than ${limit} bytes, the most this channel takes` }, { status: 413 }) })(
    c,
    async () => {
      answer = await handle(c, db, channel, provider, usage);
    },
  );
  if (usage) console.log(`eddy-usage webhook ${channel.uuid} reads=${usage.reads} writes=${usage.writes} subrequests=${usage.reads + usage.writes + usage.others}`);
  return answer ?? (refused as Response);
}

async function handle(
  c: Context<Env, "/channels/:uuid/*">,
  db: D1Database,
  channel: Channel,
  provider: NonNullable<ReturnType<typeof getProvider>>,
  usage: (D1Usage & { others: number }) | null,
): Promise<Response> {
  const result = await provider.handleWebhook(c.req.raw, channel, c.req.url);
  if (result.kind === "rejected") return Response.json({ error: "unauthorized", message: result.reason }, { status: result.status });
  if (result.kind === "invalid") return Response.json({ error: "invalid", message: result.error }, { status: 400 });
  const problem = checkParsed(result.messages, result.statuses);
  if (problem) return Response.json({ error: "invalid", message: problem }, { status: 400 });

  // Messages grouped by contact, each contact's in the order the provider sent them.
  const byContact = new Map<string, InboundMessage[]>();
  // Contacts found from the isolate's memory of URN owners: their objects check the URNs are still theirs.
  const remembered = new Set<string>();
  for (const m of result.messages) {
    const { contact, remembered: hint } = await ownerOfUrn(db, m.urn, channel.uuid, m.contactName);
    if (hint) remembered.add(contact);
    byContact.set(contact, [...(byContact.get(contact) ?? []), m]);
  }
  const origin = new URL(c.req.url).origin;
  // Subrequests other than D1's: the contacts' objects, and the queue's sends.
  if (usage) usage.others += byContact.size;
  await Promise.all([
    ...[...byContact].map(([contact, messages]) => c.env.CONTACTS.getByName(contact).receive(contact, origin, messages, { check: remembered.has(contact) })),
    // Written behind: answered once the queue has them (worker/webhooks/statuses.ts).
    queueStatuses(c.env.D1_WRITES, channel.uuid, result.statuses).then((sends) => usage && (usage.others += sends)),
    applyFormEvents(db, result.formEvents),
    applyFormAnswers(db, channel.uuid, result.messages),
  ]);
  return result.response;
}

// Adapters tell messages and statuses apart by content, so one handler serves both paths.
webhooks.post("/channels/:uuid/receive", receive);
webhooks.post("/channels/:uuid/status", receive);
