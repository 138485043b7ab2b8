import { getZone } from "../engine/excellent/dates/zone";

/**
 * Flow settings (SPEC §3) as the contact's object applies them: entry rules when a contact enters
 * a flow, the delivery window when a message from a run of the flow is sent. Pure. See
 * docs/flow-settings.md.
 */

export interface EntryRules {
  allow_reentry: boolean;
  min_reentry_minutes?: number;
  limits?: { count: number; per: "day" | "week" | "month" }[];
}

/** When a flow accepts entries: ISO date-times; `end` "run_for_a_year" has no end (the cron pauses an idle flow). */
export interface EntryWindow {
  start?: string | null;
  end?: string | null;
}

/** Why the flow takes no entries now, or null when it does. */
export function entryWindowRefusal(window: EntryWindow | null | undefined, now: number): string | null {
  if (!window) return null;
  if (window.start && now < Date.parse(window.start)) return `entry window: the flow takes entries from ${window.start}`;
  if (window.end && window.end !== "run_for_a_year" && now >= Date.parse(window.end)) return `entry window: the flow took entries until ${window.end}`;
  return null;
}

export interface DeliveryWindow {
  days: ("mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun")[];
  start: string;
  end: string;
  /** "contact": the contact's own time zone (UTC when it has none); else an IANA zone. */
  timezone: string;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Limits count entries in a rolling period ending now. */
export const PERIOD_MS = { day: DAY, week: 7 * DAY, month: 30 * DAY } as const;

/**
 * Why the contact may not enter the flow now, or null when it may. `entries` are the times it
 * entered before, newest first.
 */
export function entryRefusal(rules: EntryRules | null | undefined, entries: number[], now: number): string | null {
  if (!rules || !entries.length) return null;
  if (!rules.allow_reentry) return "entry rules: the contact was in this flow before and re-entry is not allowed";
  const last = entries[0];
  if (rules.min_reentry_minutes && now - last < rules.min_reentry_minutes * MINUTE) {
    return `entry rules: the contact entered this flow ${describeAgo(now - last)} ago; re-entry needs ${describeMinutes(rules.min_reentry_minutes)}`;
  }
  for (const limit of rules.limits ?? []) {
    const inPeriod = entries.filter((t) => t > now - PERIOD_MS[limit.per]).length;
    if (inPeriod >= limit.count) return `entry rules: at most ${limit.count} ${limit.count === 1 ? "entry" : "entries"} per ${limit.per}, and the contact has had ${inPeriod}`;
  }
  return null;
}

function describeMinutes(m: number): string {
  if (m % 1440 === 0) return `${m / 1440} day${m === 1440 ? "" : "s"}`;
  if (m % 60 === 0) return `${m / 60} hour${m === 60 ? "" : "s"}`;
  return `${m} minute${m === 1 ? "" : "s"}`;
}

function describeAgo(ms: number): string {
  return describeMinutes(Math.max(0, Math.floor(ms / MINUTE)));
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The zone's offset from UTC in milliseconds at an instant (UTC for an unknown zone). */
function offsetMs(zone: string, at: number): number {
  const z = getZone(zone);
  return z ? z.offsetAt(Math.floor(at / 1000)) * 1000 : 0;
}

/** The instant a local wall-clock time (as UTC fields) happens in the zone. */
function fromLocal(zone: string, localAsUtc: number): number {
  let t = localAsUtc - offsetMs(zone, localAsUtc);
  t = localAsUtc - offsetMs(zone, t);
  return t;
}

/**
 * When a message may go out under the window: `now` when the window is open, else the next time
 * it opens (within the coming week). The window is open on its days from `start` to `end` local
 * time; an `end` at or before `start` runs past midnight into the next day.
 */
export function windowOpensAt(window: DeliveryWindow, zone: string, now: number): number {
  const days = new Set(window.days);
  if (!days.size) return now;
  const start = minutesOf(window.start);
  let length = minutesOf(window.end) - start;
  if (length <= 0) length += 24 * 60;
  const localNow = now + offsetMs(zone, now);
  const today = Math.floor(localNow / DAY) * DAY;
  let next = Infinity;
  for (let k = -1; k <= 8; k++) {
    const day = today + k * DAY;
    if (!days.has(DAYS[new Date(day).getUTCDay()])) continue;
    const opens = fromLocal(zone, day + start * MINUTE);
    const closes = opens + length * MINUTE;
    if (opens <= now && now < closes) return now;
    if (opens > now && opens < next) next = opens;
  }
  return Number.isFinite(next) ? next : now;
}
