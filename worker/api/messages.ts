import { and, desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { messages } from "../db/schema";
import { Uuid } from "./common";
import type { ApiEnv } from "./context";
import { describe, validate } from "./openapi";
import { afterCursor, page, PageQuery, toPage } from "./pagination";

export const MessageOut = z.object({
  uuid: z.string(),
  contact: z.string(),
  channel: z.string().nullable(),
  urn: z.string().nullable(),
  direction: z.enum(["in", "out"]),
  text: z.string(),
  attachments: z.array(z.string()),
  quick_replies: z.array(z.string()),
  external_id: z.string().nullable(),
  status: z.enum(["queued", "wired", "sent", "delivered", "read", "failed", "errored", "handled", "skipped"]).describe("skipped: not sent, its address is on the do-not-contact list"),
  flow: z.string().nullable(),
  created_on: z.string(),
  sent_on: z.string().nullable(),
  modified_on: z.string(),
});

const out = (r: typeof messages.$inferSelect): z.infer<typeof MessageOut> => ({
  uuid: r.uuid,
  contact: r.contactUuid,
  channel: r.channelUuid,
  urn: r.urn,
  direction: r.direction,
  text: r.text,
  attachments: r.attachments,
  quick_replies: r.quickReplies,
  external_id: r.externalId,
  status: r.status,
  flow: r.flowUuid,
  created_on: r.createdOn,
  sent_on: r.sentOn,
  modified_on: r.modifiedOn,
});

export const messageRoutes = new Hono<ApiEnv>().get(
  "/",
  describe({ tag: "messages", summary: "A contact's messages, in and out, newest first", response: page(MessageOut) }),
  validate("query", PageQuery.extend({ contact: Uuid, direction: z.enum(["in", "out"]).optional() })),
  async (c) => {
    const q = c.req.valid("query");
    const rows = await c
      .get("db")
      .select()
      .from(messages)
      .where(and(eq(messages.contactUuid, q.contact), q.direction ? eq(messages.direction, q.direction) : undefined, afterCursor(q.cursor, messages.createdOn, messages.uuid)))
      .orderBy(desc(messages.createdOn), desc(messages.uuid))
      .limit(q.limit + 1);
    return c.json(toPage(rows, q.limit, out));
  },
);
