import { asc, count, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { redactChannel } from "../channels/redact";
import { openConfig, sealConfig } from "../channels/secrets";
import { getProvider, providers } from "../channels/registry";
import { CHANNEL_TYPES, type ChannelType } from "../channels/types";
import type { Database } from "../db";
import { channels, triggers, whatsappForms } from "../db/schema";
import { Name, now } from "./common";
import type { ApiEnv } from "./context";
import { conflict, invalid, notFound, zodIssues } from "./errors";
import { describe, validate } from "./openapi";

const tag = "channels";

const common = {
  name: Name(64),
  address: z.string().trim().min(1).max(255).describe("the channel's own number, bot username or email address"),
  base_url: z.url({ protocol: /^https?$/ }).nullable().optional().describe("overrides the provider's API base URL"),
  sends_per_second: z.number().positive().max(1000).nullable().optional(),
};

/** One body shape per provider, so each type's config is checked (and documented) by its own schema. */
export const ChannelCreate = z.discriminatedUnion(
  "type",
  CHANNEL_TYPES.map((type) => z.strictObject({ type: z.literal(type), ...common, config: providers[type].configSchema })) as unknown as [
    z.ZodObject<{ type: z.ZodLiteral<ChannelType>; config: z.ZodObject } & typeof common>,
    ...z.ZodObject<{ type: z.ZodLiteral<ChannelType>; config: z.ZodObject } & typeof common>[],
  ],
);

export const ChannelUpdate = z.strictObject({
  ...common,
  name: common.name.optional(),
  address: common.address.optional(),
  config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe("merged into the stored config: send only what changes (secrets need not be sent again); null removes a key"),
});

export const ChannelOut = z.object({
  uuid: z.string(),
  type: z.enum(CHANNEL_TYPES as [ChannelType, ...ChannelType[]]),
  name: z.string(),
  address: z.string(),
  config: z.record(z.string(), z.unknown()).describe("without its secrets"),
  secrets_set: z.array(z.string()).describe("the secret config keys that have a value"),
  base_url: z.string().nullable(),
  sends_per_second: z.number().nullable(),
  webhooks: z.object({ receive: z.string(), status: z.string() }).describe("the URLs to give the provider"),
  created_on: z.string(),
  modified_on: z.string(),
});

type Row = typeof channels.$inferSelect;

function out(r: Row, origin: string): z.infer<typeof ChannelOut> {
  const redacted = redactChannel({ uuid: r.uuid, type: r.type as ChannelType, name: r.name, address: r.address, config: r.config, ...(r.baseUrl ? { baseUrl: r.baseUrl } : {}) });
  return {
    uuid: r.uuid,
    type: r.type as ChannelType,
    name: r.name,
    address: r.address,
    config: redacted.config,
    secrets_set: redacted.secretsSet,
    // A proxy's user:password never comes back (issue 8); it is kept, as the secrets are, for sending.
    base_url: redacted.baseUrl ?? null,
    sends_per_second: r.sendsPerSecond,
    webhooks: { receive: `${origin}/channels/${r.uuid}/receive`, status: `${origin}/channels/${r.uuid}/status` },
    created_on: r.createdOn,
    modified_on: r.modifiedOn,
  };
}

async function findChannel(db: Database, uuid: string): Promise<Row> {
  const row = await db.select().from(channels).where(eq(channels.uuid, uuid)).get();
  if (!row) throw notFound("channel", uuid);
  return row;
}

const origin = (url: string) => new URL(url).origin;

export const channelRoutes = new Hono<ApiEnv>()
  .post("/", describe({ tag, summary: "Create a channel; the response has the webhook URLs for the provider", status: 201, response: ChannelOut }), validate("json", ChannelCreate), async (c) => {
    const body = c.req.valid("json");
    const at = now();
    const uuid = crypto.randomUUID();
    // Secrets are stored sealed (worker/channels/secrets.ts), bound to the channel's uuid.
    const config = await sealConfig(uuid, body.type, body.config);
    const [row] = await c
      .get("db")
      .insert(channels)
      .values({ uuid, type: body.type, name: body.name, address: body.address, config, baseUrl: body.base_url ?? null, sendsPerSecond: body.sends_per_second ?? null, createdOn: at, modifiedOn: at })
      .returning();
    return c.json(out(row, origin(c.req.url)), 201);
  })
  .get("/", describe({ tag, summary: "List channels (secrets never included)", response: z.object({ results: z.array(ChannelOut) }) }), async (c) => {
    const rows = await c.get("db").select().from(channels).orderBy(asc(channels.name));
    return c.json({ results: rows.map((r) => out(r, origin(c.req.url))) });
  })
  .get("/:uuid", describe({ tag, summary: "Get a channel (secrets never included)", response: ChannelOut }), async (c) => {
    return c.json(out(await findChannel(c.get("db"), c.req.param("uuid")), origin(c.req.url)));
  })
  .patch("/:uuid", describe({ tag, summary: "Update a channel; config changes are merged and checked against the provider's schema", response: ChannelOut }), validate("json", ChannelUpdate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const channel = await findChannel(db, c.req.param("uuid"));
    let config = channel.config;
    if (body.config) {
      // Merged with the stored secrets opened, checked, and sealed again.
      const merged: Record<string, unknown> = { ...(await openConfig(channel.uuid, channel.config)) };
      for (const [k, v] of Object.entries(body.config)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      const provider = getProvider(channel.type);
      const parsed = provider ? provider.configSchema.safeParse(merged) : undefined;
      if (parsed && !parsed.success) throw invalid(zodIssues(parsed.error, ["config"]));
      config = await sealConfig(channel.uuid, channel.type, (parsed?.data as Record<string, unknown> | undefined) ?? merged);
    }
    const [row] = await db
      .update(channels)
      .set({
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.address !== undefined ? { address: body.address } : {}),
        ...(body.base_url !== undefined ? { baseUrl: body.base_url } : {}),
        ...(body.sends_per_second !== undefined ? { sendsPerSecond: body.sends_per_second } : {}),
        config,
        modifiedOn: now(),
      })
      .where(eq(channels.uuid, channel.uuid))
      .returning();
    return c.json(out(row, origin(c.req.url)));
  })
  .delete("/:uuid", describe({ tag, summary: "Delete a channel (its messages stay)", status: 204, response: null }), async (c) => {
    const db = c.get("db");
    const channel = await findChannel(db, c.req.param("uuid"));
    const [{ n }] = await db.select({ n: count() }).from(triggers).where(eq(triggers.channelUuid, channel.uuid));
    if (n > 0) throw conflict(`channel ${channel.uuid} has ${n} trigger${n === 1 ? "" : "s"}; delete them first`);
    // Its WhatsApp forms are mirrors of what stays at Meta: they go with it (a sync on another channel of the account brings them back).
    await db.batch([db.delete(whatsappForms).where(eq(whatsappForms.channelUuid, channel.uuid)), db.delete(channels).where(eq(channels.uuid, channel.uuid))]);
    return c.body(null, 204);
  });
