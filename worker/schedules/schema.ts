import { z } from "zod";
import { daysInMonth, isValidZone } from "../../durable/engine/excellent/dates";

/** When a start fires: a local date and/or time of day in an IANA timezone, once or repeating. */

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const Weekday = z.enum(WEEKDAYS, { error: `weekday must be one of ${WEEKDAYS.join(", ")}` });
export type Weekday = z.infer<typeof Weekday>;

export const MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

export const LocalTime = z
  .string({ error: "time must be HH:MM" })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "time must be HH:MM");

/** A calendar date that exists (2026-02-30 does not). */
export const LocalDate = z
  .string({ error: "date must be YYYY-MM-DD" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "date must be YYYY-MM-DD", abort: true })
  .refine((s) => {
    const [y, m, d] = s.split("-").map(Number);
    return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
  }, "date does not exist");

export const ScheduleTimezone = z
  .string({ error: "timezone must be an IANA time zone, like Africa/Kigali" })
  .refine(isValidZone, { error: (issue) => `unknown timezone ${JSON.stringify(issue.input)}; use an IANA name like Africa/Kigali` });

const common = { time: LocalTime, timezone: ScheduleTimezone };
/** Inclusive, in the schedule's timezone: the schedule still fires on that day. */
const endDate = { end_date: LocalDate.optional() };

export const OnceSchedule = z.strictObject({ kind: z.literal("once"), date: LocalDate, ...common });
export const DailySchedule = z.strictObject({ kind: z.literal("daily"), ...common, ...endDate });
export const WeeklySchedule = z.strictObject({
  kind: z.literal("weekly"),
  weekdays: z
    .array(Weekday, { error: "weekdays must be a list like [\"mon\", \"thu\"]" })
    .min(1, "weekly schedules need at least one weekday")
    .refine((days) => new Set(days).size === days.length, "weekdays must not repeat"),
  ...common,
  ...endDate,
});
export const MonthlySchedule = z.strictObject({
  kind: z.literal("monthly"),
  /** 29-31 fire on the last day of shorter months. */
  day: z.int({ error: "day must be a whole number from 1 to 31" }).min(1, "day must be from 1 to 31").max(31, "day must be from 1 to 31"),
  ...common,
  ...endDate,
});
export const YearlySchedule = z
  .strictObject({
    kind: z.literal("yearly"),
    month: z.int({ error: "month must be a whole number from 1 to 12" }).min(1, "month must be from 1 to 12").max(12, "month must be from 1 to 12"),
    /** February 29 fires on February 28 in other years. */
    day: z.int({ error: "day must be a whole number from 1 to 31" }).min(1, "day must be from 1 to 31").max(31, "day must be from 1 to 31"),
    ...common,
    ...endDate,
  })
  // Zod runs this even when month itself failed; that issue is the one to report then.
  .refine((s) => !(s.month >= 1 && s.month <= 12) || s.day <= daysInMonth(2000, s.month), {
    path: ["day"],
    error: (issue) => {
      const s = issue.input as { month: number };
      return `${MONTH_NAMES[s.month - 1]} has only ${daysInMonth(2000, s.month)} days`;
    },
  });

export const Schedule = z.discriminatedUnion("kind", [OnceSchedule, DailySchedule, WeeklySchedule, MonthlySchedule, YearlySchedule], {
  error: "kind must be one of once, daily, weekly, monthly, yearly",
});
export type Schedule = z.infer<typeof Schedule>;
export type ScheduleKind = Schedule["kind"];
