import { civilFromDays } from "./excellent/dates/date";

/** Datetimes as goflow writes them: RFC 3339 in UTC, nanoseconds with trailing zeros trimmed. */

const NS_PER_SECOND = 1_000_000_000n;

export function formatTime(ns: bigint): string {
  let secs = ns / NS_PER_SECOND;
  let frac = ns % NS_PER_SECOND;
  if (frac < 0n) {
    frac += NS_PER_SECOND;
    secs -= 1n;
  }
  const s = Number(secs);
  // Every event and step reads the clock: years 1970-9999 are written by hand, the rest by Date.
  const base = s >= 0 && s < MAX_SECONDS ? civil(s) : new Date(s * 1000).toISOString().slice(0, 19);
  return `${base}${fraction(Number(frac))}Z`;
}

/** 10000-01-01T00:00:00Z: below it the year has four digits. */
const MAX_SECONDS = 253_402_300_800;

const pad2 = (n: number) => (n < 10 ? "0" + n : String(n));

/** `YYYY-MM-DDTHH:MM:SS` of seconds since the epoch. */
function civil(s: number): string {
  const days = Math.floor(s / 86400);
  const rem = s - days * 86400;
  const { year: y, month: m, day: d } = civilFromDays(days);
  const h = Math.floor(rem / 3600);
  const mi = Math.floor((rem % 3600) / 60);
  return `${String(y).padStart(4, "0")}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(rem % 60)}`;
}

let lastFrac = -1;
let lastDigits = "";

/** `.123456789` with trailing zeros trimmed, or nothing; a clock's reads often share it. */
function fraction(f: number): string {
  if (f !== lastFrac) {
    let digits = f === 0 ? "" : String(f).padStart(9, "0");
    let end = digits.length;
    while (end > 0 && digits[end - 1] === "0") end--;
    digits = digits.slice(0, end);
    lastFrac = f;
    lastDigits = digits === "" ? "" : "." + digits;
  }
  return lastDigits;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9})\d*)?(Z|z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 datetime to epoch nanoseconds; null if it isn't one. */
export function parseTime(s: string): bigint | null {
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  let ms = Date.UTC(+y, +mo - 1, +d, +h, +mi, +sec);
  if (Number.isNaN(ms)) return null;
  if (zone !== "Z" && zone !== "z") {
    const sign = zone[0] === "-" ? -1 : 1;
    ms -= sign * (+zone.slice(1, 3) * 60 + +zone.slice(4, 6)) * 60_000;
  }
  return BigInt(ms) * 1_000_000n + BigInt((frac ?? "").padEnd(9, "0") || "0");
}

export function addSeconds(ns: bigint, seconds: number): bigint {
  return ns + BigInt(seconds) * NS_PER_SECOND;
}
