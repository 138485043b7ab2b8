/** Datetimes as goflow writes them: RFC 3339 in UTC, nanoseconds with trailing zeros trimmed. */

const NS_PER_SECOND = 1_000_000_000n;

export function formatTime(ns: bigint): string {
  let secs = ns / NS_PER_SECOND;
  let frac = ns % NS_PER_SECOND;
  if (frac < 0n) {
    frac += NS_PER_SECOND;
    secs -= 1n;
  }
  const base = new Date(Number(secs) * 1000).toISOString().slice(0, 19);
  const digits = frac === 0n ? "" : "." + frac.toString().padStart(9, "0").replace(/0+$/, "");
  return `${base}${digits}Z`;
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
