// Time zones: IANA zones resolved through Intl (the only tz database available in workerd and
// browsers), plus fixed offsets for datetimes parsed with an offset their zone does not have.

import { DateError } from "./error";

// Intl only knows the rules of the tz database; before its first transition every zone is on
// local mean time, and the Gregorian calendar (and so every weekday-based DST rule) repeats every
// 400 years, so we clamp early instants and fold late ones back to keep Intl in a sane range.
const EARLIEST = -5364662400; // 1800-01-01T00:00:00Z
const LATEST = 7258118400; // 2200-01-01T00:00:00Z
const CYCLE = 146097 * 86400; // seconds in 400 Gregorian years

// Offsets are memoised at hour boundaries: when both ends of an hour agree the whole hour has that
// offset (no zone changes offset and back within an hour), so Intl is only asked again near a change.
// The caches are bounded so a long-lived isolate does not grow without limit.
const HOUR = 3600;
const MAX_CACHED_OFFSETS = 4096;

/** A time zone: an IANA zone (by name) or a fixed offset from UTC. */
export class Zone {
  private readonly hourly = new Map<number, number>();
  private readonly exact = new Map<number, number>();

  private constructor(
    /** The name as given (`America/Guayaquil`, `UTC`), or "" for a fixed offset, like Go. */
    readonly name: string,
    private readonly fixedOffset: number | null,
    private readonly fmt: Intl.DateTimeFormat | null,
  ) {}

  /** @internal Creates an IANA zone around its Intl formatter. */
  static named(name: string, fmt: Intl.DateTimeFormat | null): Zone {
    return new Zone(name, fmt === null ? 0 : null, fmt);
  }

  /** @internal Creates a fixed-offset zone. */
  static fixed(offsetSeconds: number): Zone {
    return new Zone("", offsetSeconds, null);
  }

  /** The offset from UTC in seconds (east positive) in effect at the given instant. */
  offsetAt(epochSeconds: number): number {
    if (this.fixedOffset !== null) return this.fixedOffset;
    let at = epochSeconds;
    if (at < EARLIEST) at = EARLIEST;
    else if (at >= LATEST) at -= Math.ceil((at - LATEST + 1) / CYCLE) * CYCLE;
    const hour = Math.floor(at / HOUR) * HOUR;
    const start = this.lookup(this.hourly, hour);
    if (start === this.lookup(this.hourly, hour + HOUR)) return start;
    return this.lookup(this.exact, at);
  }

  private lookup(cache: Map<number, number>, at: number): number {
    let offset = cache.get(at);
    if (offset === undefined) {
      offset = intlOffset(this.fmt!, at);
      if (cache.size >= MAX_CACHED_OFFSETS) cache.clear();
      cache.set(at, offset);
    }
    return offset;
  }

  toString(): string {
    return this.name;
  }
}

function intlOffset(fmt: Intl.DateTimeFormat, epochSeconds: number): number {
  let y = 0,
    mo = 0,
    d = 0,
    h = 0,
    mi = 0,
    s = 0;
  for (const p of fmt.formatToParts(epochSeconds * 1000)) {
    switch (p.type) {
      case "year":
        y = +p.value;
        break;
      case "month":
        mo = +p.value;
        break;
      case "day":
        d = +p.value;
        break;
      case "hour":
        h = +p.value % 24; // some engines print midnight as 24 even with h23
        break;
      case "minute":
        mi = +p.value;
        break;
      case "second":
        s = +p.value;
        break;
    }
  }
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - epochSeconds;
}

/** The UTC zone (Go's time.UTC). */
export const UTC: Zone = Zone.named("UTC", null);

const zones = new Map<string, Zone | null>([["UTC", UTC]]);
const fixedZones = new Map<number, Zone>();

/** Returns the zone with this IANA name (cached), or null when unknown. Names are case-sensitive like Go's. */
export function getZone(name: string): Zone | null {
  let zone = zones.get(name);
  if (zone !== undefined) return zone;
  zone = null;
  // Intl also accepts offsets ("+05:00") and any letter case, which Go's LoadLocation does not.
  if (/^[A-Za-z]/.test(name) && name !== "Local") {
    try {
      const fmt = new Intl.DateTimeFormat("en-US", {
        timeZone: name,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
      const resolved = fmt.resolvedOptions().timeZone;
      if (resolved === name || resolved.toLowerCase() !== name.toLowerCase()) zone = Zone.named(name, fmt);
    } catch {
      zone = null;
    }
  }
  zones.set(name, zone);
  return zone;
}

/** Returns a zone with a fixed offset from UTC in seconds (east positive). */
export function fixedZone(offsetSeconds: number): Zone {
  let zone = fixedZones.get(offsetSeconds);
  if (!zone) {
    zone = Zone.fixed(offsetSeconds);
    fixedZones.set(offsetSeconds, zone);
  }
  return zone;
}

/** Whether this is a known IANA zone name (goflow's time.LoadLocation succeeding). */
export function isValidZone(name: string): boolean {
  return getZone(name) !== null;
}

/** Resolves a zone or zone name; throws DateError for an unknown name. */
export function toZone(zone: Zone | string): Zone {
  if (typeof zone !== "string") return zone;
  const z = getZone(zone);
  if (!z) throw new DateError(`unknown time zone ${zone}`);
  return z;
}

/**
 * Formats an offset in seconds like Go: `-05:00` (colon) or `-0500`; seconds are truncated.
 * With zulu, a zero offset is `Z` (Go's `Z07:00`).
 */
export function formatOffset(offsetSeconds: number, colon: boolean, zulu = false): string {
  if (zulu && offsetSeconds === 0) return "Z";
  let minutes = Math.trunc(offsetSeconds / 60);
  const sign = minutes < 0 ? "-" : "+";
  if (minutes < 0) minutes = -minutes;
  const hh = Math.trunc(minutes / 60);
  const mm = minutes % 60;
  return sign + (hh < 10 ? "0" : "") + hh + (colon ? ":" : "") + (mm < 10 ? "0" : "") + mm;
}
