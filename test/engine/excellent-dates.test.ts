// The date/time library under Excellent, against goflow's documented behaviour and Go's time package.
import { describe, expect, it } from "vitest";
import {
  addToDateTime,
  combine,
  DateError,
  dateFromParts,
  DateTimeValue,
  dateTimeFromLocal,
  dateTimeLayout,
  DateValue,
  daysInMonth,
  diffDateTimes,
  epochSecondsText,
  fixedZone,
  formatDate,
  formatDateTime,
  formatOffset,
  formatTime,
  fromEpochMillis,
  fromEpochNanos,
  fromEpochSeconds,
  getZone,
  isDateTimeUnit,
  isLeapYear,
  isValidDateFormat,
  isValidZone,
  parseDate,
  parseDateTime,
  parseISODateTime,
  parseTime,
  parseTimeWithLayout,
  parseWithLayout,
  replaceTime,
  timeFromParts,
  TimeValue,
  tzOffsetText,
  UTC,
  validateLayout,
} from "../../durable/engine/excellent/dates";

const GYE = "America/Guayaquil";
const NY = "America/New_York";
const BERLIN = "Europe/Berlin";
const utcSeconds = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
const local = (y: number, mo: number, d: number, h: number, mi: number, zone: string, s = 0, ns = 0) =>
  dateTimeFromLocal(y, mo, d, h, mi, s, ns, zone);
// the environment of goflow's documentation examples
const NOW = parseISODateTime("2018-04-11T18:24:30.123456Z", UTC)!.inZone(GYE);
const dt = (text: string, zone = GYE) => {
  const v = parseDateTime(text, "DD-MM-YYYY", zone, { currentYear: 2018 });
  if (!v) throw new Error(`no datetime in ${text}`);
  return v;
};

describe("zones", () => {
  it("validates IANA names like Go's LoadLocation", () => {
    for (const name of ["UTC", GYE, NY, BERLIN, "Asia/Kolkata", "Etc/GMT+5"]) expect(isValidZone(name)).toBe(true);
    for (const name of ["Mars/Phobos", "", "Local", "america/new_york", "+05:00", "-0500", "utc"]) {
      expect(isValidZone(name)).toBe(false);
    }
    expect(getZone(NY)).toBe(getZone(NY));
    expect(getZone("Nowhere")).toBeNull();
  });

  it("gives DST-correct offsets in New York and Berlin", () => {
    const ny = getZone(NY)!;
    expect(ny.offsetAt(utcSeconds(2017, 3, 12, 6, 59, 59))).toBe(-5 * 3600);
    expect(ny.offsetAt(utcSeconds(2017, 3, 12, 7))).toBe(-4 * 3600);
    expect(ny.offsetAt(utcSeconds(2017, 11, 5, 5, 59, 59))).toBe(-4 * 3600);
    expect(ny.offsetAt(utcSeconds(2017, 11, 5, 6))).toBe(-5 * 3600);
    const berlin = getZone(BERLIN)!;
    expect(berlin.offsetAt(utcSeconds(2017, 3, 26, 0, 59, 59))).toBe(3600);
    expect(berlin.offsetAt(utcSeconds(2017, 3, 26, 1))).toBe(7200);
    expect(berlin.offsetAt(utcSeconds(2017, 10, 29, 0, 59, 59))).toBe(7200);
    expect(berlin.offsetAt(utcSeconds(2017, 10, 29, 1))).toBe(3600);
    expect(getZone(GYE)!.offsetAt(utcSeconds(2018, 4, 11))).toBe(-5 * 3600);
    expect(UTC.offsetAt(utcSeconds(2018, 4, 11))).toBe(0);
  });

  it("finds changes that are not on the hour", () => {
    // Kathmandu moved from +05:30 to +05:45 at 1986-01-01 00:00 local
    const kathmandu = getZone("Asia/Kathmandu")!;
    const change = utcSeconds(1985, 12, 31, 18, 30);
    expect(kathmandu.offsetAt(change - 1800)).toBe(19800);
    expect(kathmandu.offsetAt(change - 1)).toBe(19800);
    expect(kathmandu.offsetAt(change)).toBe(20700);
    expect(kathmandu.offsetAt(change + 1799)).toBe(20700);
    // Lord Howe's DST is half an hour
    const lordHowe = getZone("Australia/Lord_Howe")!;
    expect(lordHowe.offsetAt(utcSeconds(2017, 9, 30, 15, 29, 59))).toBe(37800);
    expect(lordHowe.offsetAt(utcSeconds(2017, 9, 30, 15, 30))).toBe(39600);
  });

  it("handles far past (local mean time) and far future (repeating rules)", () => {
    const ny = getZone(NY)!;
    expect(ny.offsetAt(utcSeconds(1700, 1, 1))).toBe(-(4 * 3600 + 56 * 60 + 2));
    expect(local(1700, 1, 1, 0, 0, NY).toString()).toBe("1700-01-01T00:00:00.000000-04:56");
    expect(ny.offsetAt(utcSeconds(2500, 7, 1, 12))).toBe(-4 * 3600);
    expect(ny.offsetAt(utcSeconds(2500, 1, 1, 12))).toBe(-5 * 3600);
    expect(local(2500, 7, 1, 12, 0, NY).toString()).toBe("2500-07-01T12:00:00.000000-04:00");
  });

  it("formats offsets like Go", () => {
    expect(formatOffset(-5 * 3600, true)).toBe("-05:00");
    expect(formatOffset(-5 * 3600, false)).toBe("-0500");
    expect(formatOffset(0, true, true)).toBe("Z");
    expect(formatOffset(0, true)).toBe("+00:00");
    expect(formatOffset(19800, false)).toBe("+0530");
    expect(formatOffset(-17762, true)).toBe("-04:56");
    expect(fixedZone(7200).name).toBe("");
    expect(fixedZone(7200)).toBe(fixedZone(7200));
  });
});

describe("dates", () => {
  it("normalises overflow like Go and validates date_from_parts like goflow", () => {
    expect(DateValue.of(2017, 2, 31).toString()).toBe("2017-03-03");
    expect(DateValue.of(2016, 2, 30).toString()).toBe("2016-03-01");
    expect(DateValue.of(2017, 13, 1).toString()).toBe("2018-01-01");
    expect(DateValue.of(2017, 0, 1).toString()).toBe("2016-12-01");
    expect(DateValue.of(2017, 1, 0).toString()).toBe("2016-12-31");
    expect(dateFromParts(2017, 1, 15).toString()).toBe("2017-01-15");
    expect(dateFromParts(2017, 2, 31).toString()).toBe("2017-03-03");
    expect(dateFromParts(2016, 2, 29).toString()).toBe("2016-02-29");
    for (const [y, m, d] of [
      [2017, 13, 15],
      [2017, 0, 1],
      [2017, 1, 32],
      [2017, 1, 0],
      [2017, 1.5, 1],
    ]) {
      expect(() => dateFromParts(y, m, d)).toThrow(DateError);
    }
  });

  it("knows leap years and month lengths", () => {
    expect([2000, 1900, 2016, 2017].map(isLeapYear)).toEqual([true, false, true, false]);
    expect(daysInMonth(2016, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2017, 4)).toBe(30);
    expect(daysInMonth(2017, 12)).toBe(31);
  });

  it("gives weekdays (0 = Sunday), year days and goflow's week numbers", () => {
    expect(new DateValue(2017, 1, 15).weekday()).toBe(0);
    expect(new DateValue(1970, 1, 1).weekday()).toBe(4);
    expect(new DateValue(1969, 12, 31).weekday()).toBe(3);
    expect(new DateValue(2000, 2, 29).weekday()).toBe(2);
    expect(new DateValue(2016, 12, 31).yearDay()).toBe(366);
    expect(new DateValue(2019, 1, 1).weekNumber()).toBe(1);
    expect(new DateValue(2019, 7, 23).weekNumber()).toBe(30);
    expect(new DateValue(2019, 1, 5).weekNumber()).toBe(1); // Saturday
    expect(new DateValue(2019, 1, 6).weekNumber()).toBe(2); // Sunday starts week 2
    expect(new DateValue(2019, 12, 31).weekNumber()).toBe(53);
    expect(new DateValue(2017, 1, 7).weekNumber()).toBe(1);
    expect(new DateValue(2017, 1, 8).weekNumber()).toBe(2);
    expect(new DateValue(2000, 12, 31).weekNumber()).toBe(54); // leap year starting on a Saturday
  });

  it("compares, prints and converts", () => {
    expect(new DateValue(999, 1, 2).toString()).toBe("0999-01-02");
    expect(JSON.stringify(new DateValue(2019, 4, 11))).toBe('"2019-04-11"');
    expect(new DateValue(2017, 1, 15).compare(new DateValue(2017, 2, 1))).toBeLessThan(0);
    expect(new DateValue(2017, 1, 15).equals(DateValue.of(2016, 13, 15))).toBe(true);
    expect(new DateValue(1970, 1, 2).toDays()).toBe(1);
    expect(new DateValue(2017, 1, 31).add(0, 1, 0).toString()).toBe("2017-03-03");
  });
});

describe("times", () => {
  it("prints ISO text with 6 fractional digits", () => {
    expect(new TimeValue(22, 30, 45).toString()).toBe("22:30:45.000000");
    expect(new TimeValue(9, 5, 3, 123456789).toString()).toBe("09:05:03.123456");
    expect(JSON.stringify(new TimeValue(0, 0, 0, 1000))).toBe('"00:00:00.000001"');
  });

  it("validates time_from_parts", () => {
    expect(timeFromParts(14, 40, 15).toString()).toBe("14:40:15.000000");
    expect(timeFromParts(16, 30, 45).toString()).toBe("16:30:45.000000");
    for (const [h, m, s] of [
      [25, 0, 0],
      [24, 0, 0],
      [-1, 0, 0],
      [23, 60, 0],
      [0, 0, 60],
    ]) {
      expect(() => timeFromParts(h, m, s)).toThrow(DateError);
    }
  });

  it("compares", () => {
    expect(new TimeValue(10, 0, 0).compare(new TimeValue(9, 59, 59, 999))).toBeGreaterThan(0);
    expect(new TimeValue(10, 0, 0).equals(new TimeValue(10, 0, 0, 0))).toBe(true);
  });
});

describe("datetimes", () => {
  it("round-trips epoch nanoseconds and prints ISO and RFC 3339", () => {
    const t = fromEpochNanos(1497286619123456789n, GYE);
    expect(t.toString()).toBe("2017-06-12T11:56:59.123456-05:00");
    expect(t.toRFC3339Nano()).toBe("2017-06-12T11:56:59.123456789-05:00");
    expect(t.toEpochNanos()).toBe(1497286619123456789n);
    expect(t.inZone(UTC).toString()).toBe("2017-06-12T16:56:59.123456Z");
    expect(JSON.stringify(fromEpochNanos(1746361845123456789n))).toBe('"2025-05-04T12:30:45.123456789Z"');
    expect(fromEpochNanos(1746361845000000000n).toRFC3339Nano()).toBe("2025-05-04T12:30:45Z");
    expect(fromEpochNanos(1746361845123450000n).toRFC3339Nano()).toBe("2025-05-04T12:30:45.12345Z");
    const before = fromEpochNanos(-1n);
    expect(before.epochSeconds).toBe(-1);
    expect(before.nanos).toBe(999999999);
    expect(before.toString()).toBe("1969-12-31T23:59:59.999999Z");
    expect(before.toRFC3339Nano()).toBe("1969-12-31T23:59:59.999999999Z");
    expect(before.toEpochNanos()).toBe(-1n);
    expect(fromEpochMillis(1523471070123, GYE).toString()).toBe("2018-04-11T13:24:30.123000-05:00");
    expect(NOW.toEpochMillis()).toBe(1523471070123);
  });

  it("prints Z for any zero offset, as Go's Z07:00 does", () => {
    expect(local(2018, 1, 15, 10, 0, "Europe/London").toString()).toBe("2018-01-15T10:00:00.000000Z");
    expect(local(2018, 7, 15, 10, 0, "Europe/London").toString()).toBe("2018-07-15T10:00:00.000000+01:00");
  });

  it("gives local parts and zone names", () => {
    const p = NOW.local();
    expect([p.year, p.month, p.day, p.hour, p.minute, p.second, p.nanosecond, p.weekday, p.offset]).toEqual([
      2018, 4, 11, 13, 24, 30, 123456000, 3, -18000,
    ]);
    expect(NOW.date().toString()).toBe("2018-04-11");
    expect(NOW.time().toString()).toBe("13:24:30.123456");
    expect(NOW.zoneName).toBe(GYE);
    expect(NOW.inZone(UTC).zoneName).toBe("UTC");
    expect(() => NOW.inZone("Nowhere")).toThrow(DateError);
    expect(NOW.equals(NOW.inZone(NY))).toBe(true);
    expect(NOW.compare(addToDateTime(NOW, 1, "s"))).toBeLessThan(0);
  });

  it("resolves wall times in DST gaps and overlaps like Go's time.Date", () => {
    // gap in New York: 02:30 does not exist; Go lands before the gap
    expect(local(2017, 3, 12, 2, 30, NY).toString()).toBe("2017-03-12T01:30:00.000000-05:00");
    expect(local(2017, 3, 12, 3, 30, NY).toString()).toBe("2017-03-12T03:30:00.000000-04:00");
    // overlap in New York: 01:30 happens twice; Go picks the first (EDT)
    expect(local(2017, 11, 5, 1, 30, NY).toString()).toBe("2017-11-05T01:30:00.000000-04:00");
    // gap in Berlin: Go lands after the gap
    expect(local(2017, 3, 26, 2, 30, BERLIN).toString()).toBe("2017-03-26T03:30:00.000000+02:00");
    // overlap in Berlin: Go picks the second (CET)
    expect(local(2017, 10, 29, 2, 30, BERLIN).toString()).toBe("2017-10-29T02:30:00.000000+01:00");
    expect(local(2017, 10, 29, 1, 30, BERLIN).toString()).toBe("2017-10-29T01:30:00.000000+02:00");
  });

  it("normalises overflowing wall-clock parts", () => {
    expect(local(2017, 1, 31, 24, 0, GYE).toString()).toBe("2017-02-01T00:00:00.000000-05:00");
    expect(local(2017, 12, 31, 23, 59, GYE, 60).toString()).toBe("2018-01-01T00:00:00.000000-05:00");
    expect(local(2017, 1, 1, 0, 0, GYE, 0, 1_500_000_000).toString()).toBe("2017-01-01T00:00:01.500000-05:00");
    expect(local(2017, 1, 1, 0, -1, GYE).toString()).toBe("2016-12-31T23:59:00.000000-05:00");
  });

  it("combines a date and a time, and replaces the time", () => {
    expect(combine(new DateValue(2017, 3, 12), new TimeValue(12, 0, 0), NY).toString()).toBe(
      "2017-03-12T12:00:00.000000-04:00",
    );
    expect(replaceTime(NOW, new TimeValue(8, 15, 0)).toString()).toBe("2018-04-11T08:15:00.000000-05:00");
  });

  it("does epoch seconds like goflow's epoch and datetime_from_epoch", () => {
    expect(fromEpochSeconds(1497286619, GYE).toString()).toBe("2017-06-12T11:56:59.000000-05:00");
    expect(fromEpochSeconds(1497286619.123456, GYE).toString()).toBe("2017-06-12T11:56:59.123456-05:00");
    expect(fromEpochSeconds("1497286619.123456789999").toRFC3339Nano()).toBe("2017-06-12T16:56:59.123456789Z");
    expect(fromEpochSeconds("-1.5").toRFC3339Nano()).toBe("1969-12-31T23:59:58.5Z");
    expect(fromEpochSeconds(1e-7).nanos).toBe(100);
    expect(fromEpochSeconds(".5").nanos).toBe(500000000);
    expect(() => fromEpochSeconds("abc")).toThrow(DateError);
    expect(() => fromEpochSeconds(Number.NaN)).toThrow(DateError);
    expect(epochSecondsText(dt("2017-06-12T16:56:59.000000Z"))).toBe("1497286619");
    expect(epochSecondsText(dt("2017-06-12T16:56:59.123456Z"))).toBe("1497286619.123456");
    expect(epochSecondsText(fromEpochSeconds("-1.5"))).toBe("-1.5");
    expect(epochSecondsText(fromEpochNanos(-1n))).toBe("-0.000000001");
    expect(epochSecondsText(fromEpochSeconds(-2))).toBe("-2");
  });

  it("gives tz and tz_offset", () => {
    expect(dt("2017-01-15T02:15:18.123456Z").zoneName).toBe("UTC");
    expect(dt("2017-01-15").zoneName).toBe(GYE);
    expect(tzOffsetText(dt("2017-01-15"))).toBe("-0500");
    expect(tzOffsetText(dt("2017-01-15T02:15:18.123456Z"))).toBe("+0000");
    expect(tzOffsetText(local(2017, 7, 1, 0, 0, "Asia/Kolkata"))).toBe("+0530");
    expect(tzOffsetText(local(2017, 7, 1, 0, 0, BERLIN))).toBe("+0200");
    expect(tzOffsetText(local(2017, 1, 1, 0, 0, BERLIN))).toBe("+0100");
  });
});

describe("datetime_add", () => {
  it("adds goflow's documented examples", () => {
    expect(addToDateTime(dt("2017-01-15"), 5, "D").toString()).toBe("2017-01-20T00:00:00.000000-05:00");
    expect(addToDateTime(dt("2017-01-15 10:45"), 30, "m").toString()).toBe("2017-01-15T11:15:00.000000-05:00");
  });

  it("moves the wall clock for Y M W D and absolute time for h m s, across DST", () => {
    const ny = local(2017, 3, 11, 12, 0, NY);
    expect(addToDateTime(ny, 1, "D").toString()).toBe("2017-03-12T12:00:00.000000-04:00");
    expect(addToDateTime(ny, 24, "h").toString()).toBe("2017-03-12T13:00:00.000000-04:00");
    expect(addToDateTime(ny, 1, "W").toString()).toBe("2017-03-18T12:00:00.000000-04:00");
    const berlin = local(2017, 10, 28, 12, 0, BERLIN);
    expect(addToDateTime(berlin, 1, "D").toString()).toBe("2017-10-29T12:00:00.000000+01:00");
    expect(addToDateTime(berlin, 24, "h").toString()).toBe("2017-10-29T11:00:00.000000+01:00");
    expect(addToDateTime(berlin, 86400, "s").toString()).toBe("2017-10-29T11:00:00.000000+01:00");
    expect(addToDateTime(berlin, -1440, "m").toString()).toBe("2017-10-27T12:00:00.000000+02:00");
  });

  it("normalises month ends like Go's AddDate", () => {
    expect(addToDateTime(local(2017, 1, 31, 9, 0, GYE), 1, "M").toString()).toBe("2017-03-03T09:00:00.000000-05:00");
    expect(addToDateTime(local(2016, 1, 31, 9, 0, GYE), 1, "M").toString()).toBe("2016-03-02T09:00:00.000000-05:00");
    expect(addToDateTime(local(2016, 2, 29, 9, 0, GYE), 1, "Y").toString()).toBe("2017-03-01T09:00:00.000000-05:00");
    expect(addToDateTime(local(2016, 2, 29, 9, 0, GYE), 4, "Y").toString()).toBe("2020-02-29T09:00:00.000000-05:00");
    expect(addToDateTime(local(2017, 1, 31, 9, 0, GYE), -2, "M").toString()).toBe("2016-12-01T09:00:00.000000-05:00");
    expect(addToDateTime(local(2017, 1, 15, 9, 0, GYE), 2, "W").toString()).toBe("2017-01-29T09:00:00.000000-05:00");
    expect(addToDateTime(local(2017, 1, 15, 9, 0, GYE), 12, "M").toString()).toBe("2018-01-15T09:00:00.000000-05:00");
  });

  it("keeps nanoseconds and rejects unknown units and fractional amounts", () => {
    expect(addToDateTime(NOW, 1, "h").toString()).toBe("2018-04-11T14:24:30.123456-05:00");
    expect(() => addToDateTime(NOW, 1, "x")).toThrow(DateError);
    expect(() => addToDateTime(NOW, 1.5, "D")).toThrow(DateError);
    expect(isDateTimeUnit("W")).toBe(true);
    expect(isDateTimeUnit("w")).toBe(false);
    expect(isDateTimeUnit("")).toBe(false);
  });
});

describe("datetime_diff", () => {
  it("diffs goflow's documented examples", () => {
    expect(diffDateTimes(dt("2017-01-15"), dt("2017-01-17"), "D")).toBe(2);
    expect(diffDateTimes(dt("2017-01-15"), dt("2017-05-15"), "M")).toBe(4);
    expect(diffDateTimes(dt("2017-01-17 10:50"), dt("2017-01-17 12:30"), "h")).toBe(1);
  });

  it("truncates elapsed s, m, h toward zero, keeping the sign", () => {
    const a = local(2017, 1, 1, 10, 0, GYE, 0, 900_000_000);
    const b = local(2017, 1, 1, 10, 0, GYE, 2, 100_000_000);
    expect(diffDateTimes(a, b, "s")).toBe(1);
    expect(diffDateTimes(b, a, "s")).toBe(-1);
    expect(diffDateTimes(a, local(2017, 1, 1, 10, 1, GYE, 0, 800_000_000), "m")).toBe(0);
    expect(diffDateTimes(dt("2017-01-17 12:30"), dt("2017-01-17 10:50"), "h")).toBe(-1);
    expect(diffDateTimes(dt("2017-01-17 10:50"), dt("2017-01-17 12:30"), "m")).toBe(100);
  });

  it("counts calendar days in each zone, across DST", () => {
    const from = local(2017, 3, 11, 12, 0, NY);
    const to = local(2017, 3, 12, 11, 0, NY);
    expect(diffDateTimes(from, to, "D")).toBe(1);
    expect(diffDateTimes(from, to, "h")).toBe(22);
    // the same instant is the 15th in Guayaquil and the 16th in UTC
    const late = local(2017, 1, 15, 23, 0, GYE);
    expect(diffDateTimes(late, late.inZone(UTC), "D")).toBe(1);
    expect(diffDateTimes(local(2017, 1, 1, 0, 0, GYE), local(2017, 1, 14, 0, 0, GYE), "W")).toBe(1);
    expect(diffDateTimes(local(2017, 1, 14, 0, 0, GYE), local(2017, 1, 1, 0, 0, GYE), "W")).toBe(-1);
  });

  it("counts calendar months and years, ignoring days", () => {
    expect(diffDateTimes(local(2017, 1, 31, 0, 0, GYE), local(2017, 2, 1, 0, 0, GYE), "M")).toBe(1);
    expect(diffDateTimes(dt("2017-05-15"), dt("2017-01-15"), "M")).toBe(-4);
    expect(diffDateTimes(local(2017, 12, 31, 0, 0, GYE), local(2018, 1, 1, 0, 0, GYE), "Y")).toBe(1);
    expect(diffDateTimes(local(2016, 2, 29, 0, 0, GYE), local(2020, 2, 28, 0, 0, GYE), "Y")).toBe(4);
    expect(() => diffDateTimes(NOW, NOW, "q")).toThrow(DateError);
  });
});

describe("formatting with layouts", () => {
  // a Sunday afternoon in New York, before DST
  const t = local(2017, 3, 5, 14, 7, NY, 9, 123456789);

  it("prints every token", () => {
    const expected: Record<string, string> = {
      YY: "17",
      YYYY: "2017",
      M: "3",
      MM: "03",
      MMM: "Mar",
      MMMM: "March",
      D: "5",
      DD: "05",
      EEE: "Sun",
      EEEE: "Sunday",
      h: "2",
      hh: "02",
      tt: "14",
      m: "7",
      mm: "07",
      s: "9",
      ss: "09",
      fff: "123",
      ffffff: "123456",
      fffffffff: "123456789",
      aa: "pm",
      AA: "PM",
      Z: "-05:00",
      ZZZ: "-05:00",
    };
    for (const [layout, text] of Object.entries(expected)) expect(formatDateTime(t, layout), layout).toBe(text);
    expect(formatDateTime(t.inZone(UTC), "Z")).toBe("Z");
    expect(formatDateTime(t.inZone(UTC), "ZZZ")).toBe("+00:00");
    expect(formatDateTime(t, "YYYY-MM-DDTtt:mm:ss.ffffffZ")).toBe("2017-03-05T14:07:09.123456-05:00");
    expect(formatDateTime(t, "DD/MM/YYYY, h:mm aa")).toBe("05/03/2017, 2:07 pm");
    expect(formatDateTime(t, "DD.MM.YY_tt")).toBe("05.03.17_14");
  });

  it("prints 12-hour clocks at midnight and noon", () => {
    expect(formatDateTime(local(2017, 3, 5, 0, 5, NY), "h:mm aa")).toBe("12:05 am");
    expect(formatDateTime(local(2017, 3, 5, 12, 5, NY), "hh:mm AA")).toBe("12:05 PM");
    expect(formatTime(new TimeValue(9, 5, 0), "h:mm aa")).toBe("9:05 am");
  });

  it("formats goflow's documented examples", () => {
    const fmt = (text: string, layout: string, zone = GYE) => formatDateTime(dt(text).inZone(zone), layout);
    expect(fmt("1979-07-18T15:00:00.000000Z", dateTimeLayout("DD-MM-YYYY", "tt:mm"))).toBe("18-07-1979 10:00");
    expect(fmt("1979-07-18T15:00:00.000000Z", "YYYY-MM-DD")).toBe("1979-07-18");
    expect(fmt("2010-05-10T19:50:00.000000Z", "YYYY M DD tt:mm")).toBe("2010 5 10 14:50");
    expect(fmt("2010-05-10T19:50:00.000000Z", "YYYY-MM-DD hh:mm AA", "America/Los_Angeles")).toBe("2010-05-10 12:50 PM");
    expect(fmt("1979-07-18T15:00:00.000000Z", "YYYY")).toBe("1979");
    expect(fmt("1979-07-18T15:00:00.000000Z", "M")).toBe("7");
    expect(fmt("1979-07-18T10:30:45.123456Z", "DD-MM-YYYY tt:mm")).toBe("18-07-1979 05:30");
    expect(formatDateTime(NOW, "DD-MM-YYYY tt:mm")).toBe("11-04-2018 13:24");
    expect(formatDate(NOW.date(), "DD-MM-YYYY")).toBe("11-04-2018");
    expect(formatDate(new DateValue(2019, 4, 11), "DD-MM-YYYY")).toBe("11-04-2019");
    expect(formatDate(new DateValue(2010, 5, 10), "YYYY M DD")).toBe("2010 5 10");
    expect(formatDate(new DateValue(2017, 3, 5), "EEEE D MMMM YYYY")).toBe("Sunday 5 March 2017");
    expect(formatTime(new TimeValue(14, 50, 30), "tt:mm")).toBe("14:50");
    expect(formatTime(new TimeValue(14, 50, 30), "h:mm aa")).toBe("2:50 pm");
    expect(formatTime(new TimeValue(16, 30, 45), "tt:mm")).toBe("16:30");
    expect(formatTime(new TimeValue(16, 30, 45, 5_000_000), "tt:mm:ss.fff")).toBe("16:30:45.005");
  });

  it("rejects invalid layouts and tokens of the wrong kind", () => {
    for (const layout of ["YYY", "Q", "DDD", "MMMMM", "ff", "ZZ", "hhh", "YYYY!"]) {
      expect(() => formatDateTime(t, layout), layout).toThrow(DateError);
    }
    expect(() => formatDate(t.date(), "YYYY tt")).toThrow(DateError);
    expect(() => formatDate(t.date(), "YYYY Z")).toThrow(DateError);
    expect(() => formatTime(t.time(), "YYYY")).toThrow(DateError);
    expect(() => formatTime(t.time(), "tt:mm Z")).toThrow(DateError);
    expect(() => validateLayout("DD-MM-YYYY", "date")).not.toThrow();
    expect(() => validateLayout("h:mm aa", "time")).not.toThrow();
    expect(() => validateLayout("DD-MM-YYYY", "time")).toThrow(DateError);
  });
});

describe("parsing with layouts", () => {
  it("parses goflow's documented examples", () => {
    expect(parseWithLayout("2010 5 10", "YYYY M DD", GYE).toString()).toBe("2010-05-10T00:00:00.000000-05:00");
    expect(parseWithLayout("2010 5 10 12:50", "YYYY M DD tt:mm", "America/Los_Angeles").toString()).toBe(
      "2010-05-10T12:50:00.000000-07:00",
    );
    expect(() => parseWithLayout("NOT DATE", "YYYY-MM-DD", GYE)).toThrow(DateError);
    expect(parseTimeWithLayout("15:28", "tt:mm").toString()).toBe("15:28:00.000000");
    expect(parseTimeWithLayout("2:40 pm", "h:mm aa").toString()).toBe("14:40:00.000000");
  });

  it("parses years, months and days like Go", () => {
    const p = (text: string, layout: string) => parseWithLayout(text, layout, UTC).date().toString();
    expect(p("17-03-05", "YY-MM-DD")).toBe("2017-03-05");
    expect(p("69-01-01", "YY-MM-DD")).toBe("1969-01-01");
    expect(p("68-01-01", "YY-MM-DD")).toBe("2068-01-01");
    expect(p("2017-3-5", "YYYY-M-D")).toBe("2017-03-05");
    expect(p("2017-12-25", "YYYY-M-D")).toBe("2017-12-25");
    expect(() => p("2017-3-05", "YYYY-MM-DD")).toThrow(DateError);
    expect(() => p("2017-03-5", "YYYY-MM-DD")).toThrow(DateError);
    expect(() => p("17-03-05", "YYYY-MM-DD")).toThrow(DateError);
    expect(p("05 mar 2017", "DD MMM YYYY")).toBe("2017-03-05");
    expect(p("5 March 2017", "D MMMM YYYY")).toBe("2017-03-05");
    expect(p("Sun 05/03/2017", "EEE DD/MM/YYYY")).toBe("2017-03-05");
    expect(p("Sunday 05.03.2017", "EEEE DD.MM.YYYY")).toBe("2017-03-05");
    expect(() => p("Xyz 05/03/2017", "EEE DD/MM/YYYY")).toThrow(DateError);
    expect(() => p("2017-02-30", "YYYY-MM-DD")).toThrow(DateError);
    expect(p("2016-02-29", "YYYY-MM-DD")).toBe("2016-02-29");
    expect(() => p("2017-13-01", "YYYY-MM-DD")).toThrow(DateError);
    expect(() => p("2017-01-15x", "YYYY-MM-DD")).toThrow(DateError);
    expect(() => p("2017-01", "YYYY-MM-DD")).toThrow(DateError);
    // a layout space matches a run of spaces
    expect(p("2010  5 10", "YYYY M DD")).toBe("2010-05-10");
  });

  it("parses hours, minutes, seconds and fractions like Go", () => {
    const p = (text: string, layout: string) => parseTimeWithLayout(text, layout).toString();
    expect(p("9:05", "tt:mm")).toBe("09:05:00.000000");
    expect(p("10:30:45", "tt:mm:ss")).toBe("10:30:45.000000");
    expect(p("10:30:45.123", "tt:mm:ss")).toBe("10:30:45.123000"); // a fraction may follow seconds
    expect(p("10:30:45.123", "tt:mm:ss.fff")).toBe("10:30:45.123000");
    expect(p("10:30:45.123456", "tt:mm:ss.ffffff")).toBe("10:30:45.123456");
    expect(parseTimeWithLayout("10:30:45.123456789", "tt:mm:ss.fffffffff").nanosecond).toBe(123456789);
    expect(() => p("10:30:45.12", "tt:mm:ss.fff")).toThrow(DateError);
    expect(p("2:40 PM", "h:mm AA")).toBe("14:40:00.000000");
    expect(p("02:40 am", "hh:mm aa")).toBe("02:40:00.000000");
    expect(p("12:15 am", "h:mm aa")).toBe("00:15:00.000000");
    expect(p("12:15 pm", "h:mm aa")).toBe("12:15:00.000000");
    expect(p("9:5:7", "h:m:s")).toBe("09:05:07.000000");
    expect(() => p("2:40 PM", "h:mm aa")).toThrow(DateError); // Go matches the marker's case
    expect(() => p("13:00 pm", "h:mm aa")).toThrow(DateError);
    expect(() => p("2:40", "hh:mm")).toThrow(DateError);
    expect(() => p("24:00", "tt:mm")).toThrow(DateError);
    expect(() => p("23:60", "tt:mm")).toThrow(DateError);
    expect(() => p("23:59:60", "tt:mm:ss")).toThrow(DateError);
    expect(() => p("2017", "YYYY")).toThrow(DateError);
  });

  it("parses offsets like Go's ParseInLocation", () => {
    const z = parseWithLayout("2017-01-15T10:30:00Z", "YYYY-MM-DDTtt:mm:ssZ", NY);
    expect(z.zoneName).toBe("UTC");
    expect(z.toString()).toBe("2017-01-15T10:30:00.000000Z");
    const same = parseWithLayout("2017-01-15 10:30 -05:00", "YYYY-MM-DD tt:mm ZZZ", NY);
    expect(same.zoneName).toBe(NY);
    expect(same.toString()).toBe("2017-01-15T10:30:00.000000-05:00");
    const other = parseWithLayout("2017-01-15 10:30 +02:00", "YYYY-MM-DD tt:mm Z", NY);
    expect(other.zoneName).toBe("");
    expect(other.toString()).toBe("2017-01-15T10:30:00.000000+02:00");
    expect(other.inZone(UTC).toString()).toBe("2017-01-15T08:30:00.000000Z");
    expect(() => parseWithLayout("2017-01-15 10:30 Z", "YYYY-MM-DD tt:mm ZZZ", NY)).toThrow(DateError);
    expect(() => parseWithLayout("2017-01-15 10:30 -0500", "YYYY-MM-DD tt:mm ZZZ", NY)).toThrow(DateError);
  });

  it("defaults missing parts like Go (year 0, January 1st, midnight)", () => {
    expect(parseWithLayout("15:28", "tt:mm", UTC).toString()).toBe("0000-01-01T15:28:00.000000Z");
    expect(parseWithLayout("2017", "YYYY", UTC).toString()).toBe("2017-01-01T00:00:00.000000Z");
  });

  it("rejects layouts of the wrong kind and unknown zones", () => {
    expect(() => parseTimeWithLayout("2017 10:30", "YYYY tt:mm")).toThrow(DateError);
    expect(() => parseWithLayout("2017", "YYYY", "Nowhere")).toThrow(DateError);
  });
});

describe("fuzzy parsing", () => {
  it("parses goflow's documented examples", () => {
    expect(dt("10/05/2010").toString()).toBe("2010-05-10T00:00:00.000000-05:00");
    expect(dt("1979-07-18T10:30:45.123456Z").toString()).toBe("1979-07-18T10:30:45.123456Z");
    expect(parseDateTime("NOT DATE", "DD-MM-YYYY", GYE)).toBeNull();
    expect(parseDate("1979-07-18", "DD-MM-YYYY")!.toString()).toBe("1979-07-18");
    expect(parseDate("1979-07-18T10:30:45.123456Z", "DD-MM-YYYY")!.toString()).toBe("1979-07-18");
    expect(parseDate("10/05/2010", "DD-MM-YYYY")!.toString()).toBe("2010-05-10");
    expect(parseDate("NOT DATE", "DD-MM-YYYY")).toBeNull();
    const hasDate = (text: string) => parseDateTime(text, "DD-MM-YYYY", GYE, { fillTimeFrom: NOW });
    expect(hasDate("the date is 15/01/2017")!.toString()).toBe("2017-01-15T13:24:30.123456-05:00");
    expect(hasDate("there is no date here, just a year 2017")).toBeNull();
  });

  it("reads ISO 8601 in full, with or without offset, T or space", () => {
    expect(dt("2017-01-15T10:30:45.5").toString()).toBe("2017-01-15T10:30:45.500000-05:00");
    expect(dt("2017-01-15T10:30:45.123456789-05:00").toRFC3339Nano()).toBe("2017-01-15T10:30:45.123456789-05:00");
    expect(dt("2017-01-15T10:30:45.123456789-05:00").zoneName).toBe(GYE);
    expect(dt("2017-01-15 10:30:00+02:00").toString()).toBe("2017-01-15T10:30:00.000000+02:00");
    expect(dt("2017-01-15 10:30:00+02:00").zoneName).toBe("");
    expect(dt("2017-01-15T10:30Z").toString()).toBe("2017-01-15T10:30:00.000000Z");
    expect(dt(" 2017-01-15T10:30:00+0530 ").toString()).toBe("2017-01-15T10:30:00.000000+05:30");
    expect(dt("2017-01-17 10:50").toString()).toBe("2017-01-17T10:50:00.000000-05:00");
    expect(dt("2017-01-15").toString()).toBe("2017-01-15T00:00:00.000000-05:00");
    // an ISO date at the start is found whatever the environment's order, the rest may hold a time
    expect(parseDateTime("2017-01-15 at 2pm", "MM-DD-YYYY", GYE)!.toString()).toBe("2017-01-15T14:00:00.000000-05:00");
    expect(parseISODateTime("2017-02-30T10:00:00Z", UTC)).toBeNull();
    expect(parseISODateTime("2017-01-15T24:00:00Z", UTC)).toBeNull();
    expect(parseISODateTime("2017-01-15", UTC)).toBeNull();
  });

  it("finds dates in the environment's order with any separator", () => {
    const p = (text: string, format: string) => parseDate(text, format, { currentYear: 2018 })?.toString() ?? null;
    expect(p("10/05/2010", "MM-DD-YYYY")).toBe("2010-10-05");
    expect(p("10/05/2010", "DD/MM/YYYY")).toBe("2010-05-10");
    expect(p("2010/05/10", "YYYY-MM-DD")).toBe("2010-05-10");
    expect(p("on 2010.5.9 maybe", "YYYY.MM.DD")).toBe("2010-05-09");
    for (const text of ["15.01.2017", "15-01-2017", "15 01 2017", "15_01_2017", "15\\01\\2017", "15/1-2017"]) {
      expect(p(text, "DD-MM-YYYY"), text).toBe("2017-01-15");
    }
    expect(p("13/25/2017", "MM-DD-YYYY")).toBeNull();
    expect(p("32/01/2017 or 15/01/2017", "DD-MM-YYYY")).toBe("2017-01-15");
    expect(p("31/02/2017", "DD-MM-YYYY")).toBe("2017-03-03");
    expect(p("115/01/2017", "DD-MM-YYYY")).toBeNull();
    expect(p("15/01/201", "DD-MM-YYYY")).toBeNull();
    expect(p("just a year 2017", "DD-MM-YYYY")).toBeNull();
  });

  it("resolves 2-digit years against the current year like goflow", () => {
    const p = (text: string, currentYear: number) => parseDate(text, "DD-MM-YYYY", { currentYear })!.toString();
    expect(p("15/01/17", 2018)).toBe("2017-01-15");
    expect(p("15/01/18", 2018)).toBe("2018-01-15");
    expect(p("15/01/19", 2018)).toBe("1919-01-15");
    expect(p("15/01/99", 2018)).toBe("1999-01-15");
    expect(p("15/01/00", 2018)).toBe("2000-01-15");
    expect(p("15/01/25", 2025)).toBe("2025-01-15");
    // without currentYear, fillTimeFrom's year is used
    expect(parseDate("15/01/18", "DD-MM-YYYY", { fillTimeFrom: NOW })!.toString()).toBe("2018-01-15");
    expect(parseDate("15/01/19", "DD-MM-YYYY", { fillTimeFrom: NOW })!.toString()).toBe("1919-01-15");
  });

  it("takes a time from the text after the date, else midnight or fillTimeFrom's time in the zone", () => {
    expect(dt("15/01/2017 at 2:40 pm").toString()).toBe("2017-01-15T14:40:00.000000-05:00");
    expect(dt("15/01/2017 10 PM").toString()).toBe("2017-01-15T22:00:00.000000-05:00");
    expect(dt("15/01/2017 10:30:45.25").toString()).toBe("2017-01-15T10:30:45.250000-05:00");
    expect(dt("at 10:30 on 15/01/2017").toString()).toBe("2017-01-15T00:00:00.000000-05:00");
    expect(dt("15/01/2017 room 12").toString()).toBe("2017-01-15T00:00:00.000000-05:00");
    const fill = { fillTimeFrom: NOW.inZone(UTC) };
    expect(parseDateTime("15/01/2017", "DD-MM-YYYY", GYE, fill)!.toString()).toBe("2017-01-15T13:24:30.123456-05:00");
    expect(parseDateTime("15/01/2017 9:15", "DD-MM-YYYY", GYE, fill)!.toString()).toBe(
      "2017-01-15T09:15:00.000000-05:00",
    );
    // a date in summer in Berlin, time of day in Berlin
    expect(parseDateTime("15/07/2017", "DD-MM-YYYY", BERLIN, fill)!.toString()).toBe(
      "2017-07-15T20:24:30.123456+02:00",
    );
    expect(dt("12/03/2017 2:30 am", NY).toString()).toBe("2017-03-12T01:30:00.000000-05:00");
  });

  it("rejects unknown date formats and zones", () => {
    expect(() => parseDateTime("15/01/2017", "XX-YY", GYE)).toThrow(DateError);
    expect(() => parseDateTime("15/01/2017", "DD-MM-YYYY", "Nowhere")).toThrow(DateError);
    for (const format of ["DD-MM-YYYY", "MM/DD/YYYY", "YYYY.MM.DD"]) expect(isValidDateFormat(format)).toBe(true);
    for (const format of ["DD-MM-YY", "D-M-YYYY", "YYYY-DD-MM"]) expect(isValidDateFormat(format)).toBe(false);
  });
});

describe("fuzzy time parsing", () => {
  it("parses goflow's documented examples", () => {
    expect(parseTime("10:30")!.toString()).toBe("10:30:00.000000");
    expect(parseTime("10:30:45 PM")!.toString()).toBe("22:30:45.000000");
    expect(parseTime("what?")).toBeNull();
    expect(parseTime("14:50:30.000000")!.toString()).toBe("14:50:30.000000");
    expect(parseTime("the time is 10 PM")!.toString()).toBe("22:00:00.000000");
    expect(parseTime("the time is 10:30:45")!.toString()).toBe("10:30:45.000000");
    expect(parseTime("there is no time here, just the number 25")).toBeNull();
  });

  it("accepts minutes or an am/pm marker, with valid ranges", () => {
    const p = (text: string) => parseTime(text)?.toString() ?? null;
    expect(p("10:30:45.123")).toBe("10:30:45.123000");
    expect(p("2:40 pm")).toBe("14:40:00.000000");
    expect(p("10PM")).toBe("22:00:00.000000");
    expect(p("12 am")).toBe("00:00:00.000000");
    expect(p("12 pm")).toBe("12:00:00.000000");
    expect(p("7:05 Am")).toBe("07:05:00.000000");
    expect(p("0:00")).toBe("00:00:00.000000");
    expect(p("23:59:59")).toBe("23:59:59.000000");
    expect(p("10")).toBeNull();
    expect(p("13 pm")).toBeNull();
    expect(p("0 am")).toBeNull();
    expect(p("25:00")).toBeNull();
    expect(p("10:61")).toBeNull();
    expect(p("10:30:61")).toBeNull();
    expect(p("25:00 or 9:15")).toBe("09:15:00.000000");
    expect(p("1979-07-18T10:30:45.123456Z")).toBe("10:30:45.123456");
    expect(p("2017-01-15T23:30:00+02:00")).toBe("23:30:00.000000");
  });
});
