import type { Scope } from "../actions/base";
import { parseURN, type ContactJSON } from "../contact";
import { error } from "../events/diagnostics";
import { XError, XText } from "../excellent";
import { fromEpochNanos, type DateTimeValue, type Zone } from "../excellent/dates";
import { toDate } from "../excellent/values/convert";
import type { SegmentAttributeCondition, SegmentCondition, SegmentEventCondition } from "../flow/schema";
import type { ContactEvent } from "../resumes";
import { parseTime } from "../time";
import { zoneNamed } from "../waits/clock";
import { conditionHolds } from "../waits/event";
import { compare, type Operand } from "./compare";

/** How many of the contact's events a split looks at: the newest, the rest are ignored. */
export const MAX_RECENT_EVENTS = 1000;

const UNIT_NS = { minutes: 60n, hours: 3600n, days: 86400n } as const;

/**
 * The contact's activity that segment conditions read beyond goflow's contact JSON; the caller puts
 * it on the contact of the trigger and of each resume (docs/journeys.md, "Segment audience").
 */
export interface ContactActivity {
  /** When a message was last sent to the contact (RFC 3339). */
  last_contacted_on?: string;
  /** The contact's events, as far back as the flows' conditions look. */
  recent_events?: ContactEvent[];
}

/** Evaluates segment conditions for the session's contact at this step. */
export class SegmentMatcher {
  private readonly contact: ContactJSON & ContactActivity;
  private readonly zone: Zone;
  private readonly now: DateTimeValue;

  constructor(private readonly s: Scope) {
    this.contact = s.session.json.contact;
    this.zone = zoneNamed(s.env.timezone);
    this.now = fromEpochNanos(s.env.now(), this.zone);
  }

  matches(c: SegmentCondition): boolean {
    if ("match" in c) {
      const group = c as { match: "all" | "any"; conditions: SegmentCondition[] };
      return group.match === "all" ? group.conditions.every((x) => this.matches(x)) : group.conditions.some((x) => this.matches(x));
    }
    if ("query" in c) return this.query(c.query as string);
    if ("event" in c) return this.event(c as SegmentEventCondition);
    return this.attribute(c as SegmentAttributeCondition);
  }

  private query(query: string): boolean {
    const matches = this.s.session.services.matchesQuery;
    if (!matches) {
      this.s.log(error(`segment query "${query}" can't be checked here (no query matcher): the condition does not hold`));
      return false;
    }
    const source = this.s.session.assets.source;
    const env = this.s.session.json.environment;
    try {
      return matches(query, this.contact, {
        fields: source.fields ?? [],
        groups: source.groups ?? [],
        ...(env.date_format ? { date_format: env.date_format } : {}),
        ...(env.timezone ? { timezone: env.timezone } : {}),
      });
    } catch (e) {
      this.s.log(error(`segment query "${query}" is not valid: ${e instanceof Error ? e.message : String(e)}`));
      return false;
    }
  }

  private event(c: SegmentEventCondition): boolean {
    const since = this.now.toEpochNanos() - BigInt(c.within.amount) * UNIT_NS[c.within.unit] * 1_000_000_000n;
    const events = (this.contact.recent_events ?? []).slice(-MAX_RECENT_EVENTS);
    // Property conditions' values are templates here (`@vars.threshold`), as the attributes' are.
    const conditions = c.conditions.map((k) => (k.value?.includes("@") ? { ...k, value: this.s.text(k.value) } : k));
    const found = events.some((e) => {
      if (e?.name !== c.event) return false;
      const at = parseTime(e.occurred_on);
      return at !== null && at >= since && conditions.every((k) => conditionHolds(k, e.properties?.[k.property]));
    });
    return found === c.performed;
  }

  private attribute(c: SegmentAttributeCondition): boolean {
    const value = c.value === undefined ? "" : this.s.text(c.value);
    const readDate = (text: string) => {
      const d = toDate(this.s.env, new XText(text));
      return d instanceof XError ? null : d;
    };
    return compare(c, this.operand(c), value, this.now, this.zone, readDate);
  }

  private operand(c: SegmentAttributeCondition): Operand {
    const contact = this.contact;
    if (c.field) {
      const v = contact.fields?.[c.field.key];
      if (!v) return { text: "" };
      const ns = v.datetime ? parseTime(v.datetime) : null;
      return { text: v.text, ...(v.number !== undefined ? { number: v.number } : {}), ...(ns !== null ? { datetime: fromEpochNanos(ns, this.zone) } : {}) };
    }
    const a = c.attribute ?? "";
    const urnPath = (...schemes: string[]) => (contact.urns ?? []).map(parseURN).find((u) => schemes.includes(u.scheme))?.path ?? "";
    switch (a) {
      case "name":
        return { text: contact.name ?? "" };
      case "language":
        return { text: contact.language ?? "" };
      case "timezone":
        return { text: contact.timezone ?? "" };
      case "status":
        return { text: contact.status ?? "active" };
      case "email":
        return { text: urnPath("mailto", "email") };
      case "phone":
        return { text: urnPath("tel", "whatsapp") };
      case "created_on":
      case "last_seen_on":
      case "last_contacted_on": {
        const raw = contact[a];
        const ns = typeof raw === "string" ? parseTime(raw) : null;
        return ns === null ? { text: "" } : { text: raw as string, datetime: fromEpochNanos(ns, this.zone) };
      }
    }
    return { text: urnPath(a.slice("urn:".length)) };
  }
}
