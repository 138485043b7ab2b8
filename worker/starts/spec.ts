import { z } from "zod";
import { Uuid } from "../api/common";
import { isCountry } from "../api/urns";

/** Who a start is for: the union of everything given, each contact once. */
export const Audience = z
  .strictObject({
    contacts: z.array(Uuid).max(1000).optional().describe("contact UUIDs"),
    urns: z.array(z.string()).max(1000).optional().describe('"scheme:path"; contacts that do not exist yet are created'),
    country: z.string().refine(isCountry, "must be an ISO 3166 country code, like RW").optional().describe("for phone numbers written without their country code"),
    groups: z.array(Uuid).max(20).optional().describe("group UUIDs; a smart group counts its query's contacts"),
    query: z.string().trim().min(1).max(2000).optional().describe('a segment query over contact fields, e.g. age >= 18 AND district = "Gasabo"'),
    everyone: z.literal(true).optional().describe("every contact"),
  })
  .refine((a) => a.contacts?.length || a.urns?.length || a.groups?.length || a.query || a.everyone, {
    message: "name at least one of contacts, urns, groups, query or everyone",
  });
export type Audience = z.infer<typeof Audience>;

export const StartOptions = z.strictObject({
  interrupt: z.boolean().default(true).describe("false: contacts already in a messaging flow are skipped; background flows never interrupt"),
  exclude_started_within_days: z.int().min(1).max(3650).optional().describe("skip contacts who entered this flow in the last N days"),
  params: z.record(z.string(), z.unknown()).optional().describe("the flow reads them as @trigger.params"),
  per_minute: z
    .int()
    .min(1)
    .max(100_000)
    .optional()
    .describe("start at most this many contacts a minute, to spread the replies of a big audience (a help line, a survey) over time; without it, as fast as the start goes"),
});
export type StartOptions = z.infer<typeof StartOptions>;

/** Why a contact of the audience was not started. */
export const SKIP_REASONS = ["in_flow", "started_recently", "inactive", "other"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];
