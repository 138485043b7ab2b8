// Schedules: when each kind fires, with instants worked out by hand (and checked against Intl).
import { describe, expect, it } from "vitest";
import { describeSchedule, nextFire } from "../../worker/schedules/next-fire";
import { Schedule } from "../../worker/schedules/schema";

const schedule = (s: unknown) => Schedule.parse(s);

/** The fires after `after`, each strictly after the previous one. */
function fires(s: unknown, after: string, n: number): (string | null)[] {
  const out: (string | null)[] = [];
  let at: Date | null = new Date(after);
  for (let i = 0; i < n && at; i++) {
    at = nextFire(schedule(s), at);
    out.push(at && at.toISOString());
  }
  return out;
}

const kigali = { time: "09:00", timezone: "Africa/Kigali" }; // UTC+2, no DST: 09:00 is 07:00Z

describe("nextFire", () => {
  it("fires a once schedule at its local date-time, then never again", () => {
    const s = schedule({ kind: "once", date: "2026-05-01", ...kigali });
    expect(nextFire(s, new Date("2026-04-01T00:00:00Z"))?.toISOString()).toBe("2026-05-01T07:00:00.000Z");
    expect(nextFire(s, new Date("2026-05-01T06:59:59.999Z"))?.toISOString()).toBe("2026-05-01T07:00:00.000Z");
    // strictly after: a fire at exactly `after` has already happened
    expect(nextFire(s, new Date("2026-05-01T07:00:00Z"))).toBeNull();
    expect(nextFire(s, new Date("2027-01-01T00:00:00Z"))).toBeNull();
  });

  it("fires a daily schedule every day at its time", () => {
    expect(fires({ kind: "daily", ...kigali }, "2026-05-01T06:00:00Z", 3)).toEqual([
      "2026-05-01T07:00:00.000Z",
      "2026-05-02T07:00:00.000Z",
      "2026-05-03T07:00:00.000Z",
    ]);
    // after today's fire: tomorrow
    expect(fires({ kind: "daily", ...kigali }, "2026-05-01T07:00:00Z", 1)).toEqual(["2026-05-02T07:00:00.000Z"]);
    // a local time past midnight UTC: 01:00 in Kigali is 23:00Z the day before
    expect(fires({ kind: "daily", time: "01:00", timezone: "Africa/Kigali" }, "2026-05-01T12:00:00Z", 1)).toEqual(["2026-05-01T23:00:00.000Z"]);
  });

  it("fires a weekly schedule on its weekdays, wrapping around the week", () => {
    // 2026-05-01 is a Friday
    expect(fires({ kind: "weekly", weekdays: ["thu", "mon"], ...kigali }, "2026-05-01T08:00:00Z", 4)).toEqual([
      "2026-05-04T07:00:00.000Z", // Monday
      "2026-05-07T07:00:00.000Z", // Thursday
      "2026-05-11T07:00:00.000Z",
      "2026-05-14T07:00:00.000Z",
    ]);
    // Saturday to Sunday
    expect(fires({ kind: "weekly", weekdays: ["sun"], ...kigali }, "2026-05-02T12:00:00Z", 2)).toEqual(["2026-05-03T07:00:00.000Z", "2026-05-10T07:00:00.000Z"]);
    // on the weekday itself: later that day, else a week later
    expect(fires({ kind: "weekly", weekdays: ["fri"], ...kigali }, "2026-05-01T06:00:00Z", 1)).toEqual(["2026-05-01T07:00:00.000Z"]);
    expect(fires({ kind: "weekly", weekdays: ["fri"], ...kigali }, "2026-05-01T07:00:00Z", 1)).toEqual(["2026-05-08T07:00:00.000Z"]);
    // across a year end: 2026-12-31 is a Thursday
    expect(fires({ kind: "weekly", weekdays: ["tue"], ...kigali }, "2026-12-31T12:00:00Z", 1)).toEqual(["2027-01-05T07:00:00.000Z"]);
  });

  it("fires a monthly schedule on its day, clamped to the month's end", () => {
    expect(fires({ kind: "monthly", day: 31, ...kigali }, "2026-01-31T07:00:00Z", 5)).toEqual([
      "2026-02-28T07:00:00.000Z",
      "2026-03-31T07:00:00.000Z",
      "2026-04-30T07:00:00.000Z",
      "2026-05-31T07:00:00.000Z",
      "2026-06-30T07:00:00.000Z",
    ]);
    expect(fires({ kind: "monthly", day: 30, ...kigali }, "2028-01-30T12:00:00Z", 2)).toEqual(["2028-02-29T07:00:00.000Z", "2028-03-30T07:00:00.000Z"]);
    expect(fires({ kind: "monthly", day: 15, ...kigali }, "2026-12-15T07:00:00Z", 2)).toEqual(["2027-01-15T07:00:00.000Z", "2027-02-15T07:00:00.000Z"]);
    // before this month's day: this month
    expect(fires({ kind: "monthly", day: 1, ...kigali }, "2026-04-30T23:00:00Z", 1)).toEqual(["2026-05-01T07:00:00.000Z"]);
  });

  it("fires a yearly schedule on its date; 29 February falls on the 28th outside leap years", () => {
    expect(fires({ kind: "yearly", month: 2, day: 29, ...kigali }, "2026-01-01T00:00:00Z", 4)).toEqual([
      "2026-02-28T07:00:00.000Z",
      "2027-02-28T07:00:00.000Z",
      "2028-02-29T07:00:00.000Z",
      "2029-02-28T07:00:00.000Z",
    ]);
    // 2100 is not a leap year, 2400 is
    expect(fires({ kind: "yearly", month: 2, day: 29, ...kigali }, "2100-01-01T00:00:00Z", 1)).toEqual(["2100-02-28T07:00:00.000Z"]);
    expect(fires({ kind: "yearly", month: 12, day: 25, ...kigali }, "2026-12-25T07:00:00Z", 1)).toEqual(["2027-12-25T07:00:00.000Z"]);
  });

  describe("across daylight-saving changes", () => {
    it("America/New_York: daily 02:30 fires at 03:00 EDT on the spring-forward day", () => {
      // 2026-03-08 02:00 EST jumps to 03:00 EDT (07:00Z)
      expect(fires({ kind: "daily", time: "02:30", timezone: "America/New_York" }, "2026-03-06T12:00:00Z", 3)).toEqual([
        "2026-03-07T07:30:00.000Z", // 02:30 EST
        "2026-03-08T07:00:00.000Z", // 03:00 EDT, the first instant after the gap
        "2026-03-09T06:30:00.000Z", // 02:30 EDT
      ]);
    });

    it("America/New_York: daily 02:30 and 01:30 on the fall-back day fire once", () => {
      // 2026-11-01 02:00 EDT falls back to 01:00 EST (06:00Z): 01:00-02:00 happens twice
      expect(fires({ kind: "daily", time: "02:30", timezone: "America/New_York" }, "2026-10-30T12:00:00Z", 3)).toEqual([
        "2026-10-31T06:30:00.000Z", // 02:30 EDT
        "2026-11-01T07:30:00.000Z", // 02:30 EST
        "2026-11-02T07:30:00.000Z",
      ]);
      expect(fires({ kind: "daily", time: "01:30", timezone: "America/New_York" }, "2026-10-31T12:00:00Z", 2)).toEqual([
        "2026-11-01T05:30:00.000Z", // 01:30 EDT, the first occurrence
        "2026-11-02T06:30:00.000Z", // not 06:30Z on the 1st, the second 01:30
      ]);
    });

    it("Europe/Berlin: daily 02:30 across spring-forward and fall-back", () => {
      // 2026-03-29 02:00 CET jumps to 03:00 CEST (01:00Z)
      expect(fires({ kind: "daily", time: "02:30", timezone: "Europe/Berlin" }, "2026-03-27T12:00:00Z", 3)).toEqual([
        "2026-03-28T01:30:00.000Z",
        "2026-03-29T01:00:00.000Z",
        "2026-03-30T00:30:00.000Z",
      ]);
      // 2026-10-25 03:00 CEST falls back to 02:00 CET (01:00Z): 02:30 happens at 00:30Z and 01:30Z
      expect(fires({ kind: "daily", time: "02:30", timezone: "Europe/Berlin" }, "2026-10-23T12:00:00Z", 3)).toEqual([
        "2026-10-24T00:30:00.000Z",
        "2026-10-25T00:30:00.000Z",
        "2026-10-26T01:30:00.000Z",
      ]);
      // asked between the two 02:30s of the 25th: the next day's
      expect(fires({ kind: "daily", time: "02:30", timezone: "Europe/Berlin" }, "2026-10-25T01:00:00Z", 1)).toEqual(["2026-10-26T01:30:00.000Z"]);
    });

    it("America/Santiago: a gap at midnight moves 00:30 to 01:00 the same day", () => {
      // 2026-09-06 00:00 -04 jumps to 01:00 -03 (04:00Z)
      expect(fires({ kind: "daily", time: "00:30", timezone: "America/Santiago" }, "2026-09-04T12:00:00Z", 3)).toEqual([
        "2026-09-05T04:30:00.000Z",
        "2026-09-06T04:00:00.000Z",
        "2026-09-07T03:30:00.000Z",
      ]);
    });

    it("weekly, monthly and once schedules resolve the gap the same way", () => {
      expect(fires({ kind: "weekly", weekdays: ["sun"], time: "02:15", timezone: "Europe/Berlin" }, "2026-03-23T00:00:00Z", 2)).toEqual([
        "2026-03-29T01:00:00.000Z",
        "2026-04-05T00:15:00.000Z",
      ]);
      expect(fires({ kind: "monthly", day: 8, time: "02:59", timezone: "America/New_York" }, "2026-02-09T00:00:00Z", 2)).toEqual([
        "2026-03-08T07:00:00.000Z",
        "2026-04-08T06:59:00.000Z",
      ]);
      expect(nextFire(schedule({ kind: "once", date: "2026-11-01", time: "01:00", timezone: "America/New_York" }), new Date("2026-01-01"))?.toISOString()).toBe(
        "2026-11-01T05:00:00.000Z",
      );
    });
  });

  it("stops after the end date, which is inclusive in the schedule's timezone", () => {
    const daily = { kind: "daily", ...kigali, end_date: "2026-05-03" };
    expect(fires(daily, "2026-05-01T12:00:00Z", 3)).toEqual(["2026-05-02T07:00:00.000Z", "2026-05-03T07:00:00.000Z", null]);
    expect(nextFire(schedule(daily), new Date("2026-06-01T00:00:00Z"))).toBeNull();
    // the next Monday is past the end: over
    expect(nextFire(schedule({ kind: "weekly", weekdays: ["mon"], ...kigali, end_date: "2026-05-10" }), new Date("2026-05-04T08:00:00Z"))).toBeNull();
    expect(nextFire(schedule({ kind: "monthly", day: 31, ...kigali, end_date: "2026-04-30" }), new Date("2026-04-01T00:00:00Z"))?.toISOString()).toBe(
      "2026-04-30T07:00:00.000Z",
    );
    expect(nextFire(schedule({ kind: "yearly", month: 1, day: 1, ...kigali, end_date: "2027-12-31" }), new Date("2027-01-01T07:00:00Z"))).toBeNull();
  });
});

describe("Schedule", () => {
  const problems = (s: unknown) => {
    const r = Schedule.safeParse(s);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("accepts each kind", () => {
    expect(problems({ kind: "once", date: "2026-02-28", ...kigali })).toEqual([]);
    expect(problems({ kind: "daily", ...kigali, end_date: "2026-12-31" })).toEqual([]);
    expect(problems({ kind: "weekly", weekdays: ["mon", "sun"], ...kigali })).toEqual([]);
    expect(problems({ kind: "monthly", day: 31, ...kigali })).toEqual([]);
    expect(problems({ kind: "yearly", month: 2, day: 29, ...kigali })).toEqual([]);
  });

  it("rejects bad input with clear messages", () => {
    expect(problems({ kind: "weekly", weekdays: [], ...kigali })).toEqual(["weekdays: weekly schedules need at least one weekday"]);
    expect(problems({ kind: "weekly", weekdays: ["mon", "mon"], ...kigali })).toEqual(["weekdays: weekdays must not repeat"]);
    expect(problems({ kind: "weekly", weekdays: ["monday"], ...kigali })).toEqual(["weekdays.0: weekday must be one of mon, tue, wed, thu, fri, sat, sun"]);
    expect(problems({ kind: "daily", time: "9:00", timezone: "Africa/Kigali" })).toEqual(["time: time must be HH:MM"]);
    expect(problems({ kind: "daily", time: "24:00", timezone: "Africa/Kigali" })).toEqual(["time: time must be HH:MM"]);
    expect(problems({ kind: "daily", time: "09:00", timezone: "Africa/Kigalli" })).toEqual([
      'timezone: unknown timezone "Africa/Kigalli"; use an IANA name like Africa/Kigali',
    ]);
    expect(problems({ kind: "daily", time: "09:00" })).toEqual(["timezone: timezone must be an IANA time zone, like Africa/Kigali"]);
    expect(problems({ kind: "hourly", ...kigali })).toEqual(["kind: kind must be one of once, daily, weekly, monthly, yearly"]);
    expect(problems({ kind: "monthly", day: 32, ...kigali })).toEqual(["day: day must be from 1 to 31"]);
    expect(problems({ kind: "monthly", day: 1.5, ...kigali })).toEqual(["day: day must be a whole number from 1 to 31"]);
    expect(problems({ kind: "yearly", month: 4, day: 31, ...kigali })).toEqual(["day: April has only 30 days"]);
    expect(problems({ kind: "yearly", month: 13, day: 1, ...kigali })).toEqual(["month: month must be from 1 to 12"]);
    expect(problems({ kind: "once", date: "2026-02-29", ...kigali })).toEqual(["date: date does not exist"]);
    expect(problems({ kind: "daily", ...kigali, end_date: "31/12/2026" })).toEqual(["end_date: date must be YYYY-MM-DD"]);
    expect(problems({ kind: "once", date: "2026-05-01", ...kigali, end_date: "2026-06-01" })).toEqual([': Unrecognized key: "end_date"']);
  });
});

describe("describeSchedule", () => {
  it("says when each kind fires", () => {
    expect(describeSchedule(schedule({ kind: "weekly", weekdays: ["thu", "mon"], ...kigali }))).toBe("every Monday and Thursday at 09:00 (Africa/Kigali)");
    expect(describeSchedule(schedule({ kind: "weekly", weekdays: ["fri", "mon", "wed"], ...kigali, end_date: "2026-12-31" }))).toBe(
      "every Monday, Wednesday and Friday at 09:00 (Africa/Kigali), until 31 December 2026",
    );
    expect(describeSchedule(schedule({ kind: "once", date: "2026-05-01", ...kigali }))).toBe("once on 1 May 2026 at 09:00 (Africa/Kigali)");
    expect(describeSchedule(schedule({ kind: "daily", ...kigali }))).toBe("every day at 09:00 (Africa/Kigali)");
    expect(describeSchedule(schedule({ kind: "monthly", day: 2, ...kigali }))).toBe("on the 2nd of every month at 09:00 (Africa/Kigali)");
    expect(describeSchedule(schedule({ kind: "monthly", day: 31, ...kigali }))).toBe("on the 31st of every month (or its last day when shorter) at 09:00 (Africa/Kigali)");
    expect(describeSchedule(schedule({ kind: "yearly", month: 2, day: 29, ...kigali }))).toBe(
      "every year on 29 February (28 February in other years) at 09:00 (Africa/Kigali)",
    );
  });
});
