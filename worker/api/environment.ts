import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { isValidDateFormat } from "../../durable/engine/excellent/dates/parse";
import type { Database } from "../db";
import { environment } from "../db/schema";
import { Language, now, Timezone } from "./common";
import type { ApiEnv } from "./context";
import { describe, validate } from "./openapi";
import { isCountry } from "./urns";

const tag = "environment";

// goflow's environment settings: how flows read and write dates and times, the zone a contact
// without its own is in, the country of local phone numbers, the languages flows may speak.
const DateFormat = z.string().refine(isValidDateFormat, "must be one of goflow's date formats: YYYY-MM-DD, MM-DD-YYYY, DD-MM-YYYY, or the same with / or . between");
const TimeFormat = z.enum(["tt:mm", "h:mm aa", "tt:mm:ss", "h:mm:ss aa"]);

export const EnvironmentOut = z.object({
  date_format: z.string().describe('how dates are written and read when they are not ISO: "1/18/2013" is January 18th with MM-DD-YYYY'),
  time_format: TimeFormat,
  timezone: z.string().describe("the zone of contacts that have none of their own"),
  default_country: z.string().nullable().describe("ISO 3166 alpha-2: phone numbers written without a country code are in it (a contact's channel's country comes first)"),
  allowed_languages: z.array(z.string()).describe("ISO 639-3 codes; the first is the default. A contact whose language is not among them gets the first; none: each flow speaks its own language"),
  redaction_policy: z.enum(["none", "urns"]).describe("urns: URN paths are hidden from flows (@contact.urns)"),
  modified_on: z.string().nullable(),
});

export const EnvironmentUpdate = z.strictObject({
  date_format: DateFormat.optional(),
  time_format: TimeFormat.optional(),
  timezone: Timezone.optional(),
  default_country: z.string().refine(isCountry, "must be an ISO 3166 alpha-2 country code, like RW").transform((c) => c.toUpperCase()).nullable().optional(),
  allowed_languages: z
    .array(Language)
    .max(50)
    .refine((l) => new Set(l).size === l.length, "must not repeat a language")
    .optional(),
  redaction_policy: z.enum(["none", "urns"]).optional(),
});

type Row = typeof environment.$inferSelect;

/** goflow's defaults, what a workspace that never set its environment has. */
const DEFAULTS = { date_format: "YYYY-MM-DD", time_format: "tt:mm", timezone: "UTC", default_country: null, allowed_languages: [], redaction_policy: "none", modified_on: null } as const;

const out = (r: Row | undefined): z.infer<typeof EnvironmentOut> =>
  r
    ? { date_format: r.dateFormat, time_format: r.timeFormat as z.infer<typeof TimeFormat>, timezone: r.timezone, default_country: r.defaultCountry, allowed_languages: r.allowedLanguages, redaction_policy: r.redactionPolicy, modified_on: r.modifiedOn }
    : { ...DEFAULTS, allowed_languages: [] };

const read = (db: Database) => db.select().from(environment).where(eq(environment.id, 1)).get();

export const environmentRoutes = new Hono<ApiEnv>()
  .get("/", describe({ tag, summary: "The workspace environment every session starts with (goflow's defaults until set)", response: EnvironmentOut }), async (c) => {
    return c.json(out(await read(c.get("db"))));
  })
  .patch("/", describe({ tag, summary: "Change the workspace environment: only what is given changes; sessions started from then on use it", response: EnvironmentOut }), validate("json", EnvironmentUpdate), async (c) => {
    const body = c.req.valid("json");
    const db = c.get("db");
    const set = {
      ...(body.date_format !== undefined ? { dateFormat: body.date_format } : {}),
      ...(body.time_format !== undefined ? { timeFormat: body.time_format } : {}),
      ...(body.timezone !== undefined ? { timezone: body.timezone } : {}),
      ...(body.default_country !== undefined ? { defaultCountry: body.default_country } : {}),
      ...(body.allowed_languages !== undefined ? { allowedLanguages: body.allowed_languages } : {}),
      ...(body.redaction_policy !== undefined ? { redactionPolicy: body.redaction_policy } : {}),
      modifiedOn: now(),
    };
    const [row] = await db.insert(environment).values({ id: 1, ...set }).onConflictDoUpdate({ target: environment.id, set }).returning();
    return c.json(out(row));
  });

