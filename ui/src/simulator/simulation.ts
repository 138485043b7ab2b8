import { Assets } from "../../../durable/engine/assets";
import { quickReplyTexts } from "../../../durable/engine/events/msg";
import { buildContext } from "../../../durable/engine/context";
import { evaluateTemplate, fromJSON, type XObject } from "../../../durable/engine/excellent";
import { Session } from "../../../durable/engine/session/session";
import {
  DEFAULT_LIMITS,
  Engine,
  EngineError,
  type ContactEvent,
  type ContactJSON,
  type EngineServices,
  type EnvironmentJSON,
  type EventJSON,
  type FieldValue,
  type HttpClient,
  type ResumeJSON,
  type SessionAssets,
  type SessionJSON,
  type TriggerJSON,
} from "../../../durable/engine";
import { matchesQuery } from "../../../worker/segments/query-matcher";

/**
 * One simulated conversation: the engine that runs in contacts' Durable Objects, run here in the
 * browser against a test contact, with a virtual clock (real time plus whatever was skipped) so a
 * timeout or an expiry is one click away instead of hours. No D1 write, no message sent.
 */

export const SIMULATOR_CHANNEL = { uuid: "5e0c1a7e-0000-4000-8000-000000000001", name: "Simulator" };

/** Every scheme a test contact may use: the simulator's channel answers them all. */
const SCHEMES = ["tel", "whatsapp", "telegram", "mailto", "ext", "facebook", "instagram", "viber", "line", "webchat", "discord", "slack", "twitter", "twitterid", "vk", "wechat"];

export type FieldType = NonNullable<SessionAssets["fields"]>[number]["type"];

export type TestContact = {
  name: string;
  urn: string;
  language: string;
  timezone: string;
  /** Field key to the text typed; typed for the engine by the field's type. */
  fields: Record<string, string>;
  groups: { uuid: string; name: string }[];
};

export type Line =
  | { kind: "out"; at: number; text: string; quickReplies: string[]; attachments: string[]; unsendable?: string }
  | { kind: "in"; at: number; text: string }
  | { kind: "note"; at: number; text: string; tone?: "error" | "clock" };

export type SimEvent = EventJSON & { sprint: number };

const NS_PER_MS = 1_000_000n;
const iso = (ms: number) => new Date(ms).toISOString();

export function simulatorAssets(flows: unknown[], fields: NonNullable<SessionAssets["fields"]>, groups: NonNullable<SessionAssets["groups"]>): SessionAssets {
  return {
    flows,
    fields,
    groups,
    channels: [{ uuid: SIMULATOR_CHANNEL.uuid, name: SIMULATOR_CHANNEL.name, address: "simulator", schemes: SCHEMES, roles: ["send", "receive"] }],
  };
}

/** The test contact as the engine reads it; field values typed as the contact object types D1's. */
export function contactJSON(c: TestContact, fieldTypes: Map<string, string>, createdMs: number): ContactJSON {
  return {
    uuid: crypto.randomUUID(),
    status: "active",
    created_on: iso(createdMs),
    urns: [`${c.urn}?channel=${SIMULATOR_CHANNEL.uuid}`],
    groups: c.groups,
    fields: typedFields(c.fields, fieldTypes),
    ...(c.name.trim() ? { name: c.name.trim() } : {}),
    ...(c.language ? { language: c.language } : {}),
    ...(c.timezone ? { timezone: c.timezone } : {}),
  };
}

function typedFields(texts: Record<string, string>, fieldTypes: Map<string, string>): Record<string, FieldValue> {
  const fields: Record<string, FieldValue> = {};
  for (const [key, text] of Object.entries(texts)) {
    if (!text.trim()) continue;
    const type = fieldTypes.get(key);
    const n = Number(text);
    const t = Date.parse(text);
    fields[key] =
      type === "number" && text.trim() && Number.isFinite(n) ? { text, number: n }
      : type === "datetime" && !Number.isNaN(t) ? { text, datetime: new Date(t).toISOString() }
      : { text };
  }
  return fields;
}

/** A change to the test contact's profile mid-session, as the console's or the API's contact edit makes it. */
export type ProfileEdit = { name: string; language: string; urn: string; fields: Record<string, string> };

export class Simulation {
  session: SessionJSON | undefined;
  /** Each run's path as its last sprint showed it. */
  private readonly paths = new Map<string, SessionJSON["runs"][number]["path"]>();
  readonly events: SimEvent[] = [];
  readonly lines: Line[] = [];
  /** Virtual milliseconds added to the wall clock by "skip ahead", "fire the timeout" and "expire". */
  private offsetMs = 0;
  /** When the current wait began: its timeout counts from here (the question is delivered at once). */
  private waitSince: number | undefined;
  private sprints = 0;
  private readonly engine: Engine;
  private readonly services: EngineServices;
  /** The contact's events sent in this session, oldest first: segment conditions read them (`recent_events`). */
  private readonly contactEvents: ContactEvent[] = [];
  /** When the flow last sent the contact a message (`last_contacted_on`). */
  private lastContacted: string | undefined;
  /** The profile as edited while the flow waits, carried by the next resume. */
  private edited: ContactJSON | undefined;

  constructor(
    private readonly assets: SessionAssets,
    private readonly flow: { uuid: string; name: string },
    private readonly contact: ContactJSON,
    http: HttpClient,
    /** The workspace environment (GET /environment) as the contact's object gives it to sessions; null: goflow's defaults. */
    private readonly environment: EnvironmentJSON | null = null,
  ) {
    this.services = {
      now: () => BigInt(this.now()) * NS_PER_MS,
      random: () => Math.random(),
      uuid: () => crypto.randomUUID(),
      http,
      // Segment queries (a split by segment's, smart groups') decided as the contact's object decides them.
      matchesQuery,
    };
    this.engine = new Engine(this.services);
  }

  now(): number {
    return Date.now() + this.offsetMs;
  }

  get waiting(): boolean {
    return this.session?.status === "waiting";
  }

  /** A journey wait (docs/journeys.md): a pause, a date, an event or a profile change, resumed by time_passed. */
  get journeyWait(): boolean {
    return this.waiting && !!this.session?.wait && this.session.wait.type !== "msg";
  }

  /**
   * When the wait's timeout fires, if the wait has one: a reply wait's counts from when it began; a
   * journey wait says when (`resumes_on`: a pause's end, the date, an event's or a change's timeout).
   */
  timeoutDue(): number | undefined {
    if (this.journeyWait) return this.session!.wait!.resumes_on ? Date.parse(this.session!.wait!.resumes_on) : undefined;
    const seconds = this.session?.wait?.timeout_seconds;
    return this.waiting && seconds !== undefined && this.waitSince !== undefined ? this.waitSince + seconds * 1000 : undefined;
  }

  expiresAt(): number | undefined {
    const at = this.session?.wait?.expires_on;
    return this.waiting && at ? Date.parse(at) : undefined;
  }

  /**
   * Starts the flow as a manual start does, or, given a message, as a keyword or catch-all trigger
   * does: the message answers the flow's first wait (goflow's rule, docs/engine.md).
   */
  async start(params: Record<string, unknown>, message?: string): Promise<void> {
    const base = { flow: this.flow, contact: this.currentContact(), environment: this.environment, triggered_on: iso(this.now()), params };
    const trigger = (message ? { ...base, type: "msg", msg: this.incoming(message) } : { ...base, type: "manual" }) as TriggerJSON;
    // A triggering message logs no msg_received (the caller already has it): it is shown here.
    if (message) this.lines.push({ kind: "in", at: this.now(), text: message });
    await this.sprint(() => this.engine.start(this.assets, trigger));
  }

  private incoming(text: string) {
    return { uuid: crypto.randomUUID(), urn: this.contact.urns?.[0]?.split("?")[0], channel: SIMULATOR_CHANNEL, text, attachments: [] };
  }

  async reply(text: string): Promise<void> {
    if (!this.waiting) {
      this.note(this.session ? "the flow is over: nothing reads this message (restart to run it again)" : "the flow has not started");
      return;
    }
    // The resume logs the message on the run, not among the sprint's events (goflow): shown here.
    this.lines.push({ kind: "in", at: this.now(), text });
    await this.resume({ type: "msg", msg: this.incoming(text), resumed_on: iso(this.now()) });
  }

  /**
   * The contact performs an event (as POST /contacts/{uuid}/events would record it): a wait for an
   * event may take it, and segment conditions see it from the next step on.
   */
  async sendEvent(name: string, properties: Record<string, unknown>): Promise<void> {
    const event = { name, properties, occurred_on: iso(this.now()) };
    this.contactEvents.push(event);
    this.note(`event ${name} ${JSON.stringify(properties)}`);
    if (!this.session || this.session.wait?.type !== "event") return this.note("recorded: the flow's next step sees it (a split by segment's event conditions)");
    const [sprints, events] = [this.sprints, this.events.length];
    await this.resume({ type: "event", event, resumed_on: iso(this.now()) });
    // An event the wait does not take leaves the session waiting, with no events.
    if (this.sprints > sprints && this.events.length === events) this.note("not the event the wait is for: still waiting");
  }

  /**
   * Changes the test contact's profile while the flow waits, as an edit through the API does: a wait
   * for a profile change takes its exit if what it watches changed; otherwise the next step sees it.
   */
  async editProfile(edit: ProfileEdit, fieldTypes: Map<string, string>): Promise<void> {
    const before = this.currentContact();
    const urns = before.urns ?? [];
    const sameUrn = urns[0]?.split("?")[0] === edit.urn;
    const contact: ContactJSON = {
      ...before,
      urns: sameUrn ? urns : [`${edit.urn}?channel=${SIMULATOR_CHANNEL.uuid}`, ...urns.slice(1)],
      fields: { ...before.fields, ...typedFields(edit.fields, fieldTypes) },
    };
    for (const [key, text] of Object.entries(edit.fields)) if (!text.trim()) delete contact.fields![key];
    if (edit.name.trim()) contact.name = edit.name.trim();
    else delete contact.name;
    if (edit.language) contact.language = edit.language;
    else delete contact.language;
    this.edited = contact;
    this.note(`profile changed: ${[contact.name ?? "(no name)", contact.language ?? "", edit.urn].filter(Boolean).join(", ")}`);
    if (this.session?.wait?.type !== "profile_change") return;
    const [sprints, events] = [this.sprints, this.events.length];
    await this.resume({ type: "profile_changed", contact: this.currentContact(), resumed_on: iso(this.now()) });
    if (this.sprints > sprints && this.events.length === events) this.note("not the change the wait is for: still waiting");
  }

  /** The contact as the next sprint gets it: the session's (or the edited) profile, with what segment conditions read. */
  currentContact(): ContactJSON {
    const base = this.edited ?? this.session?.contact ?? this.contact;
    return { ...base, recent_events: [...this.contactEvents], ...(this.lastContacted ? { last_contacted_on: this.lastContacted } : {}) };
  }

  /** Moves the clock to the timeout and fires it, as the contact's object does when no reply came. */
  async fireTimeout(): Promise<void> {
    const due = this.timeoutDue();
    if (due === undefined) return;
    if (this.journeyWait) {
      this.advanceTo(due, "the end of the wait");
      await this.resume({ type: "time_passed", resumed_on: iso(this.now()) });
      return;
    }
    this.advanceTo(due, "the timeout");
    await this.resume({ type: "wait_timeout", resumed_on: iso(this.now()) });
  }

  async expire(): Promise<void> {
    const at = this.expiresAt();
    if (at === undefined) return;
    this.advanceTo(at, "the expiry");
    await this.resume({ type: "wait_expiration", resumed_on: iso(this.now()) });
  }

  /** Skips ahead; the timeouts and the expiry that fall inside the skipped time fire on the way. */
  async skip(hours: number): Promise<void> {
    const target = this.now() + hours * 3_600_000;
    this.note(`skipped ahead ${hours} h, to ${new Date(target).toLocaleString()}`, "clock");
    for (let guard = 0; guard < 100; guard++) {
      const timeout = this.timeoutDue();
      const expiry = this.expiresAt();
      const next = [timeout, expiry].filter((t): t is number => t !== undefined && t <= target).sort((a, b) => a - b)[0];
      if (next === undefined) break;
      if (next === timeout) await this.fireTimeout();
      else await this.expire();
    }
    this.offsetMs += Math.max(0, target - this.now());
  }

  /** The nodes and exits the session went through, for the canvas. */
  path(): { nodeUuids: string[]; exitUuids: string[] } {
    const steps = (this.session?.runs ?? []).filter((r) => r.flow.uuid === this.flow.uuid).flatMap((r) => this.paths.get(r.uuid) ?? r.path);
    return { nodeUuids: steps.map((s) => s.node_uuid), exitUuids: steps.flatMap((s) => (s.exit_uuid ? [s.exit_uuid] : [])) };
  }

  /** The context's top-level objects as the session holds them (docs/engine.md "The context"). */
  context(): Record<string, unknown> {
    const s = this.session;
    if (!s) return {};
    const run = [...s.runs].reverse().find((r) => r.status === "waiting" || r.status === "active") ?? s.runs[s.runs.length - 1];
    const parent = run?.parent_uuid ? s.runs.find((r) => r.uuid === run.parent_uuid) : undefined;
    const child = [...s.runs].reverse().find((r) => r.parent_uuid === run?.uuid);
    return {
      contact: s.contact,
      results: run?.results ?? {},
      locals: run?.locals ?? {},
      webhook: run?.webhook ?? null,
      input: s.input ?? null,
      trigger: { type: s.trigger.type, params: s.trigger.params ?? {} },
      run: run && { uuid: run.uuid, flow: run.flow, status: run.status, created_on: run.created_on, exited_on: run.exited_on ?? null },
      ...(parent ? { parent: { flow: parent.flow, results: parent.results, status: parent.status } } : {}),
      ...(child ? { child: { flow: child.flow, results: child.results, status: child.status } } : {}),
      ticket: run?.ticket ?? null,
      wait: s.wait ?? null,
    };
  }

  /** A template evaluated as the current run's next step would see it: the context explorer's box. */
  evaluate(template: string): { output: string; errors: string[] } {
    if (!this.session) return { output: "", errors: ["start the simulation first"] };
    const session = new Session(this.session, new Assets(this.assets), this.services, DEFAULT_LIMITS);
    const run = [...this.session.runs].reverse().find((r) => r.status === "waiting" || r.status === "active") ?? this.session.runs[this.session.runs.length - 1];
    const env = session.environment();
    const context = fromJSON(buildContext(session, env, run, run.path[run.path.length - 1]?.node_uuid)) as XObject;
    return evaluateTemplate(template, context, env);
  }

  private advanceTo(at: number, what: string): void {
    const by = at - this.now();
    if (by > 0) {
      this.offsetMs += by;
      this.note(`clock moved ${duration(by)} ahead, to ${what} (${new Date(at).toLocaleString()})`, "clock");
    }
  }

  private resume(resume: ResumeJSON): Promise<void> {
    const session = this.session!;
    return this.sprint(() => this.engine.resume(this.assets, session, { contact: this.currentContact(), ...resume } as ResumeJSON));
  }

  private async sprint(run: () => Promise<{ session: SessionJSON; events: EventJSON[] }>): Promise<void> {
    let sprint;
    try {
      sprint = await run();
    } catch (e) {
      this.note(e instanceof EngineError || e instanceof Error ? e.message : String(e), "error");
      return;
    }
    this.sprints++;
    this.session = sprint.session;
    // The engine does not repeat the path of a run that ended in an earlier sprint (as goflow): the canvas keeps it.
    for (const r of sprint.session.runs) if (r.path.length) this.paths.set(r.uuid, r.path);
    this.edited = undefined;
    this.waitSince = sprint.session.status === "waiting" ? this.now() : undefined;
    for (const e of sprint.events) {
      this.events.push({ ...e, sprint: this.sprints });
      this.narrate(e);
    }
    if (sprint.session.status !== "waiting" && sprint.session.status !== "active") this.note(`the session ended: ${sprint.session.status}`);
  }

  private narrate(e: EventJSON): void {
    const at = Date.parse(e.created_on) || this.now();
    const f = e as Record<string, any>;
    if (e.type === "msg_created") {
      const m = f.msg;
      this.lastContacted = e.created_on;
      this.lines.push({ kind: "out", at, text: m.text, quickReplies: quickReplyTexts(m.quick_replies), attachments: m.attachments ?? [], ...(m.unsendable_reason ? { unsendable: m.unsendable_reason } : {}) });
    } else if (e.type === "wait_timed_out") this.lines.push({ kind: "note", at, text: "no reply: the wait timed out", tone: "clock" });
    else if (e.type === "pause_wait") this.lines.push({ kind: "note", at, text: `paused until ${new Date(f.resumes_on).toLocaleString()}`, tone: "clock" });
    else if (e.type === "date_wait") this.lines.push({ kind: "note", at, text: `waiting for ${f.field?.name ?? "the date"}: ${new Date(f.resumes_on).toLocaleString()}`, tone: "clock" });
    else if (e.type === "run_ended" && f.status === "expired") this.lines.push({ kind: "note", at, text: `${f.flow?.name ?? "the flow"} expired`, tone: "clock" });
    else if (e.type === "webhook_called") this.lines.push({ kind: "note", at, text: `webhook ${f.request?.split(" ")[0] ?? ""} ${f.url} → ${f.status_code ?? f.status}` });
    else if (e.type === "email_sent") this.lines.push({ kind: "note", at, text: `email to ${(f.to ?? []).join(", ")}: ${f.subject}` });
    else if (e.type === "error" || e.type === "failure") this.lines.push({ kind: "note", at, text: f.text, tone: "error" });
  }

  private note(text: string, tone?: "error" | "clock"): void {
    this.lines.push({ kind: "note", at: this.now(), text, ...(tone ? { tone } : {}) });
  }
}

export function duration(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ""}`;
  return `${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ""}`;
}
