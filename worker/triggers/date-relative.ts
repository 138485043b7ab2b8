import { z } from "zod";
import type { ContactJSON } from "../../durable/engine/contact";
import { fromEpochNanos } from "../../durable/engine/excellent/dates";
import type { DateWait } from "../../durable/engine/flow/schema";
import { zoneNamed } from "../../durable/engine/waits/clock";
import { dateDue } from "../../durable/engine/waits/date";
import { Uuid } from "../api/common";

/**
 * A date-relative trigger's params (docs/triggers.md): RapidPro's campaign event. The names are
 * the wait for a date's (docs/journeys.md), whose planning it reuses, so the two agree to the minute.
 */
export const DateRelativeParams = z
  .strictObject({
    field: z.string().regex(/^[a-z][a-z0-9_]{0,35}$/, "must be the key of a date field"),
    relative: z.enum(["before", "on", "after"]).describe("before or after the field's date by amount and unit; on: at it"),
    amount: z.number().int().min(0).max(100_000).optional(),
    unit: z.enum(["minutes", "hours", "days"]).optional(),
    time: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be a time of day like 09:30")
      .optional()
      .describe("the time of day (the contact's time zone) on the day reached; absent: the field's own time moved by the amount"),
    every_year: z.boolean().optional().describe("ignore the year: every anniversary"),
    group: Uuid.optional().describe("only contacts in this group when it falls due (a RapidPro campaign's group)"),
    interrupt: z.boolean().optional().describe("false: a contact in a messaging flow is skipped (RapidPro's 'skip' start mode); default true"),
  })
  .refine((p) => p.relative === "on" || (p.amount !== undefined && p.unit !== undefined), { message: "before and after need an amount and a unit", path: ["amount"] });
export type DateRelativeParams = z.infer<typeof DateRelativeParams>;

/**
 * When the trigger falls due for this contact: the first due time at or after `sinceMs` for one
 * every year, the only one otherwise (which may be past). In the contact's time zone, else the
 * workspace's (GET /environment), else UTC; days move the wall clock, so DST keeps the time of day.
 * Null: the field is empty or not a date.
 */
export function dueFor(p: DateRelativeParams, contact: ContactJSON, sinceMs: number, workspaceZone?: string): number | null {
  const zone = zoneNamed(contact.timezone || workspaceZone);
  const wait = { type: "date", field: { key: p.field, name: p.field }, relative: p.relative, amount: p.amount, unit: p.unit, time: p.time, every_year: p.every_year } as DateWait;
  const due = dateDue(wait, contact, fromEpochNanos(BigInt(sinceMs) * 1_000_000n, zone), zone);
  return due ? Number(due.toEpochNanos() / 1_000_000n) : null;
}
