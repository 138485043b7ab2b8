import { Hono } from "hono";
import { z } from "zod";
import { chunkRows, MAX_BOUND_PARAMETERS } from "../db";
import { audienceWhere, checkAudience } from "../starts/audience";
import { Audience } from "../starts/spec";
import { normalizeUrn } from "./urns";
import type { ApiEnv } from "./context";
import { describe, validate } from "./openapi";

const tag = "starts";

const AudienceCount = z.object({
  count: z.number().int().describe("contacts the audience matches now"),
  inactive: z.number().int().describe("of those, stopped, blocked or archived: a start skips them"),
  new_urns: z.number().int().describe("URNs nobody has yet: a start creates a contact for each"),
});

type Counts = { count: number; inactive: number };
const COUNTS = "COUNT(*) AS count, COALESCE(SUM(status != 'active'), 0) AS inactive";

/**
 * How many contacts an audience matches, counted the way a start reads it: the union of the named
 * contacts (by UUID or URN) and the groups and query, each contact once. At most 1,000 UUIDs and
 * 1,000 URNs: 34 D1 queries for the largest audience (test/api/audiences.test.ts), one for the groups and query.
 */
async function countAudience(db: D1Database, a: Audience) {
  const rest = await audienceWhere(db, "", { ...a, contacts: undefined, urns: undefined }, 0);
  const total = (await db.prepare(`SELECT ${COUNTS} FROM contacts WHERE ${rest.where}`).bind(...rest.params).first<Counts>())!;

  const named = new Set(a.contacts ?? []);
  const urns = (a.urns ?? []).flatMap((raw) => {
    const n = normalizeUrn(raw, a.country);
    return n.ok ? [n.urn] : [];
  });
  let owned = 0;
  for (const chunk of chunkRows(urns, 2)) {
    const rows = await db
      .prepare(`SELECT DISTINCT scheme, path, contact_uuid FROM contact_urns WHERE ${chunk.map(() => "(scheme = ? AND path = ?)").join(" OR ")}`)
      .bind(...chunk.flatMap((u) => [u.scheme, u.path]))
      .all<{ contact_uuid: string }>();
    owned += rows.results.length;
    for (const r of rows.results) named.add(r.contact_uuid);
  }
  // Named contacts the groups and query already counted are not counted twice.
  const list = [...named];
  const at = rest.params.length;
  const room = Math.max(1, MAX_BOUND_PARAMETERS - at);
  for (let i = 0; i < list.length; i += room) {
    const chunk = list.slice(i, i + room);
    const extra = (await db
      .prepare(`SELECT ${COUNTS} FROM contacts WHERE uuid IN (${chunk.map((_, i) => `?${at + i + 1}`).join(", ")}) AND NOT (${rest.where})`)
      .bind(...rest.params, ...chunk)
      .first<Counts>())!;
    total.count += extra.count;
    total.inactive += extra.inactive;
  }
  return { count: total.count, inactive: total.inactive, new_urns: urns.length - owned };
}

export const audienceRoutes = new Hono<ApiEnv>().post(
  "/count",
  describe({ tag, summary: "Count the contacts an audience (as a start takes it) matches now: for the launch page's live count", response: AudienceCount }),
  validate("json", z.strictObject({ audience: Audience })),
  async (c) => {
    const { audience } = c.req.valid("json");
    await checkAudience(c.env.DB, audience);
    return c.json(await countAudience(c.env.DB, audience));
  },
);
