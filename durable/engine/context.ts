import { firstName, parseURN, type ContactJSON, type ParsedURN } from "./contact";
import type { FieldAsset } from "./assets";
import type { Session } from "./session/session";
import type { InputJSON, ResultJSON, RunJSON } from "./session/types";
import { triggerContext } from "./triggers";
import type { RunSummary } from "./events/session";
import type { TicketJSON } from "./events/ticket";
import { fromJSON, toDateTime, XArray, XDateTime, XError, XObject, type Environment, type XValue } from "./excellent";
import { LazyMap, type PropertySource } from "./excellent/values/lazy";
import { text } from "./excellent/values/types";
import { variablesContext } from "./variables/context";

/**
 * The Excellent context, with goflow's top-level keys and, where goflow has one, each object's
 * default (what `@contact` alone renders). Every object is lazy (values/lazy.ts): a property is
 * built the first time a template reads it, so a context that is rebuilt after every event costs
 * only what the templates read.
 */

type Obj = Record<string, unknown>;

/** The schemes `@urns` lists, each the contact's first URN of that scheme or null. */
const URN_SCHEMES = [
  "discord", "email", "ext", "facebook", "fcm", "freshchat", "instagram", "jiochat", "line", "mailto", "rocketchat",
  "slack", "tel", "telegram", "twitter", "twitterid", "viber", "vk", "webchat", "wechat", "whatsapp",
];

/** An object whose properties `source` builds on first read (classes, not closures: this runs at every event). */
function lazy(names: readonly string[], source: PropertySource, defaultValue?: XValue): XObject {
  const props = new LazyMap(names, source);
  return defaultValue === undefined ? new XObject(props, null, false) : new XObject(props, defaultValue, true);
}

/** A datetime as a datetime value, so templates format it in the environment's timezone. */
function dt(env: Environment, s: string | null | undefined): XValue {
  if (!s) return null;
  const v = toDateTime(env, fromJSON(s));
  return v instanceof XError ? text(s) : new XDateTime(v);
}

function redact(p: ParsedURN, policy: string | undefined): string {
  return policy === "urns" ? `${p.scheme}:********` : p.identity;
}

/** An environment whose clock stays at one reading. */
function stoppedClock(env: Environment, at: bigint): Environment {
  return { ...env, now: clockAt(at) };
}

function clockAt(at: bigint): () => bigint {
  return () => at;
}

const TOP_KEYS = [
  "contact", "fields", "urns", "results", "input", "run", "child", "parent", "webhook", "trigger", "globals", "node",
  "locals", "vars", "legacy_extra", "ticket",
];

/** The top of the context, and the parts of it that several places show (`@contact` is also `@run.contact`). */
class Top implements PropertySource {
  readonly policy: string | undefined;
  private contactX?: XObject;
  private fieldsX?: XObject;
  private urnsX?: XObject;
  private resultsX?: XObject;
  private parsed?: ParsedURN[];
  private stopped?: Environment;

  constructor(
    readonly session: Session,
    private readonly evalEnv: Environment,
    /** The session's last clock reading as the context was built. */
    private readonly lastNow: bigint,
    readonly run: RunJSON,
    readonly nodeUUID: string | undefined,
  ) {
    this.policy = session.json.environment.redaction_policy;
  }

  /** The evaluation environment with its clock stopped: reading datetimes out of the session's JSON is not a clock read in goflow. */
  get env(): Environment {
    return (this.stopped ??= stoppedClock(this.evalEnv, this.lastNow));
  }

  /** The session contact's URNs, parsed once. */
  urnList(): ParsedURN[] {
    return (this.parsed ??= (this.session.contact.urns ?? []).map(parseURN));
  }

  contact(): XObject {
    return (this.contactX ??= contactObject(this, this.session.contact, this.urnList(), undefined));
  }

  fields(): XObject {
    return (this.fieldsX ??= fieldsObject(this, this.session.contact));
  }

  urns(): XObject {
    return (this.urnsX ??= lazy(URN_SCHEMES, new Urns(this.urnList(), this.policy)));
  }

  results(): XObject {
    return (this.resultsX ??= resultsObject(this.env, this.run.results));
  }

  property(key: string): XValue {
    const { session, run, nodeUUID } = this;
    switch (key) {
      case "contact":
        return this.contact();
      case "fields":
        return this.fields();
      case "urns":
        return this.urns();
      case "results":
        return this.results();
      case "input":
        return inputObject(this);
      case "run":
        return lazy(RUN_KEYS, new Run(this, run, this.results()), fromJSON(run.uuid));
      case "child": {
        const child = session.childOf(run);
        return child ? relatedRunObject(this, child) : null;
      }
      case "parent": {
        const parent = session.parentOf(run);
        const trigger = session.trigger;
        return parent ? relatedRunObject(this, parent) : trigger.type === "flow_action" ? summaryObject(this, trigger.run_summary) : null;
      }
      case "webhook": {
        // With no JSON answer `@webhook` reads as the call, `POST https://...` (goflow).
        const webhook = run.webhook;
        return webhook
          ? fromJSON({ __default__: webhook.json ?? (webhook.method ? `${webhook.method} ${webhook.url}` : null), status: webhook.status, json: webhook.json, headers: webhook.headers ?? {} })
          : null;
      }
      case "trigger":
        return fromJSON(triggerContext(session.trigger));
      case "globals":
        return fromJSON(session.assets.globals());
      case "node":
        return nodeUUID ? fromJSON({ __default__: nodeUUID, uuid: nodeUUID, visit_count: run.path.filter((s) => s.node_uuid === nodeUUID).length }) : null;
      case "locals":
        return fromJSON(run.locals ?? {});
      case "vars":
        return fromJSON(variablesContext(session, this.env, run));
      case "legacy_extra":
        return fromJSON(legacyExtra(session.trigger.params ?? {}, run));
      default:
        return run.ticket
          ? fromJSON({
              __default__: run.ticket.uuid,
              uuid: run.ticket.uuid,
              topic: run.ticket.topic ? { __default__: run.ticket.topic.name, ...run.ticket.topic } : null,
              assignee: run.ticket.assignee ?? null,
            })
          : null;
    }
  }
}

/** A workspace's fields by key (the last of a key wins), ordered as a JSON object's keys, once per asset list. */
const fieldsByKey = new WeakMap<FieldAsset[], { keys: string[]; byKey: Record<string, FieldAsset> }>();

function fieldIndex(fields: FieldAsset[]): { keys: string[]; byKey: Record<string, FieldAsset> } {
  let index = fieldsByKey.get(fields);
  if (!index) {
    const byKey: Record<string, FieldAsset> = {};
    for (const f of fields) byKey[f.key] = f;
    index = { keys: Object.keys(byKey), byKey };
    fieldsByKey.set(fields, index);
  }
  return index;
}

const NO_FIELDS: FieldAsset[] = [];

class Fields implements PropertySource {
  constructor(
    private readonly env: Environment,
    private readonly byKey: Record<string, FieldAsset>,
    private readonly values: ContactJSON["fields"],
  ) {}

  property(key: string): XValue {
    const field = this.byKey[key];
    const v = this.values?.[key];
    if (!v) return null;
    if (field.type === "number") return fromJSON(v.number ?? null);
    if (field.type === "datetime") return dt(this.env, v.datetime);
    if (field.type === "state" || field.type === "district" || field.type === "ward") return fromJSON(v[field.type] ?? null);
    return fromJSON(v.text);
  }
}

function fieldsObject(top: Top, contact: ContactJSON): XObject {
  const fields = top.session.assets.source.fields ?? NO_FIELDS;
  const { keys, byKey } = fieldIndex(fields);
  let lines = "";
  for (const field of fields) {
    const v = contact.fields?.[field.key];
    if (v) lines += (lines === "" ? "" : "\n") + `${field.name}: ${v.text}`;
  }
  return lazy(keys, new Fields(top.env, byKey, contact.fields), text(lines));
}

class Urns implements PropertySource {
  constructor(
    private readonly urns: ParsedURN[],
    private readonly policy: string | undefined,
  ) {}

  property(scheme: string): XValue {
    for (const u of this.urns) if (u.scheme === scheme) return text(redact(u, this.policy));
    return null;
  }
}

const CONTACT_KEYS = [
  "uuid", "id", "name", "first_name", "display", "language", "status", "timezone", "created_on", "last_seen_on",
  "urns", "urn", "groups", "fields", "channel", "tickets",
];

/** `@contact`: the session's (its fields shared with `@fields`), or the contact of a run summary (`@parent`). */
class Contact implements PropertySource {
  constructor(
    private readonly top: Top,
    private readonly contact: ContactJSON,
    private readonly urns: ParsedURN[],
    readonly display: string,
    private readonly ownFields: boolean,
  ) {}

  property(key: string): XValue {
    const { contact, urns, top } = this;
    const policy = top.policy;
    switch (key) {
      case "uuid":
        return fromJSON(contact.uuid);
      case "id":
        return text(contact.id !== undefined ? String(contact.id) : "");
      case "name":
        return fromJSON(contact.name ?? "");
      case "first_name":
        return text(firstName(contact.name));
      case "display":
        return text(this.display);
      case "language":
        return fromJSON(contact.language ?? null);
      case "status":
        return fromJSON(contact.status ?? "active");
      case "timezone":
        return fromJSON(contact.timezone ?? null);
      case "created_on":
        return dt(top.env, contact.created_on);
      case "last_seen_on":
        return dt(top.env, contact.last_seen_on);
      case "urns":
        return new XArray(urns.map((u) => text(redact(u, policy))));
      case "urn":
        return urns[0] ? text(redact(urns[0], policy)) : null;
      case "groups":
        return fromJSON((contact.groups ?? []).map((g) => ({ __default__: g.name, uuid: g.uuid, name: g.name })));
      case "fields":
        return this.ownFields ? fieldsObject(top, contact) : top.fields();
      case "channel": {
        const uuid = urns[0]?.channel;
        const channel = uuid ? top.session.assets.channel(uuid) : undefined;
        return channel ? fromJSON({ __default__: channel.name, uuid: channel.uuid, name: channel.name, address: channel.address ?? "" }) : null;
      }
      default:
        // The contact's open tickets (those this session opened, and any the caller passed in).
        return fromJSON(
          ((contact.tickets as TicketJSON[] | undefined) ?? []).map((t) => ({
            __default__: t.uuid,
            uuid: t.uuid,
            topic: t.topic ? { __default__: t.topic.name, ...t.topic } : null,
            assignee: t.assignee ?? null,
          })),
        );
    }
  }
}

/** `ownFields`: a run summary's contact, whose fields are not the session's. */
function contactObject(top: Top, contact: ContactJSON, urns: ParsedURN[], ownFields: "own" | undefined): XObject {
  const first = urns[0];
  const display = contact.name || (first ? (top.policy === "urns" ? "********" : first.path) : "");
  return lazy(CONTACT_KEYS, new Contact(top, contact, urns, display, ownFields === "own"), text(display));
}

const RESULT_KEYS = ["name", "value", "category", "category_localized", "input", "extra", "node_uuid", "created_on"];

class Result implements PropertySource {
  constructor(
    private readonly env: Environment,
    private readonly r: ResultJSON,
  ) {}

  property(key: string): XValue {
    const r = this.r;
    switch (key) {
      case "name":
        return fromJSON(r.name);
      case "value":
        return fromJSON(r.value);
      case "category":
        return fromJSON(r.category ?? "");
      case "category_localized":
        return fromJSON(r.category_localized ?? r.category ?? "");
      case "input":
        return fromJSON(r.input ?? "");
      case "extra":
        return fromJSON(r.extra ?? null);
      case "node_uuid":
        return fromJSON(r.node_uuid);
      default:
        return dt(this.env, r.created_on);
    }
  }
}

class Results implements PropertySource {
  constructor(
    private readonly env: Environment,
    private readonly results: Record<string, ResultJSON>,
  ) {}

  property(key: string): XValue {
    const r = this.results[key];
    return lazy(RESULT_KEYS, new Result(this.env, r), fromJSON(r.value));
  }
}

function resultsObject(env: Environment, results: Record<string, ResultJSON>): XObject {
  const keys = Object.keys(results);
  let lines = "";
  for (const k of keys) lines += (lines === "" ? "" : "\n") + `${results[k].name}: ${results[k].value}`;
  return lazy(keys, new Results(env, results), text(lines));
}

function flowObject(flow: { uuid: string; name: string }, revision?: number): XValue {
  return fromJSON({ __default__: flow.name, uuid: flow.uuid, name: flow.name, revision: revision ?? 0 });
}

const RUN_KEYS = ["uuid", "contact", "flow", "status", "results", "created_on", "exited_on"];

class Run implements PropertySource {
  constructor(
    private readonly top: Top,
    private readonly run: RunJSON,
    private readonly results: XObject,
  ) {}

  property(key: string): XValue {
    const { top, run } = this;
    switch (key) {
      case "uuid":
        return fromJSON(run.uuid);
      case "contact":
        return top.contact();
      case "flow":
        return flowObject(run.flow, safeRevision(top.session, run.flow.uuid));
      case "status":
        return fromJSON(run.status);
      case "results":
        return this.results;
      case "created_on":
        return dt(top.env, run.created_on);
      default:
        return dt(top.env, run.exited_on);
    }
  }
}

function safeRevision(session: Session, flowUUID: string): number | undefined {
  try {
    return session.assets.flow(flowUUID).definition.revision;
  } catch {
    return undefined;
  }
}

const RELATED_KEYS = ["uuid", "run", "contact", "flow", "fields", "urns", "results", "status"];

/** `@parent` and `@child`: a run next to this one, goflow's "related run". */
class RelatedRun implements PropertySource {
  constructor(
    private readonly top: Top,
    private readonly run: RunJSON,
    private readonly results: XObject,
  ) {}

  property(key: string): XValue {
    const { top, run } = this;
    switch (key) {
      case "uuid":
        return fromJSON(run.uuid);
      case "run":
        return lazy(RUN_KEYS, new Run(top, run, this.results), fromJSON(run.uuid));
      case "contact":
        return top.contact();
      case "flow":
        return flowObject(run.flow);
      case "fields":
        return top.fields();
      case "urns":
        return top.urns();
      case "results":
        return this.results;
      default:
        return fromJSON(run.status);
    }
  }
}

function relatedRunObject(top: Top, run: RunJSON): XObject {
  return lazy(RELATED_KEYS, new RelatedRun(top, run, resultsObject(top.env, run.results)), fromJSON(run.uuid));
}

/** `@parent` of a session started by `start_session`: the run summary its trigger carries. */
class Summary implements PropertySource {
  private readonly contact: ContactJSON | undefined;
  private readonly urns: ParsedURN[];
  private fieldsX?: XObject;

  constructor(
    private readonly top: Top,
    private readonly summary: RunSummary,
  ) {
    this.contact = summary.contact as ContactJSON | undefined;
    this.urns = this.contact ? (this.contact.urns ?? []).map(parseURN) : [];
  }

  property(key: string): XValue {
    const { top, summary, contact } = this;
    const results = summary.results as Record<string, ResultJSON>;
    switch (key) {
      case "uuid":
        return fromJSON(summary.uuid);
      case "run":
        return fromJSON({ __default__: summary.uuid, uuid: summary.uuid, flow: flowObject(summary.flow), status: summary.status, results: resultsObject(top.env, results) });
      case "contact":
        return contact ? contactObject(top, contact, this.urns, "own") : null;
      case "flow":
        return flowObject(summary.flow);
      case "fields":
        return contact ? (this.fieldsX ??= fieldsObject(top, contact)) : null;
      case "urns":
        return contact ? lazy(URN_SCHEMES, new Urns(this.urns, top.policy)) : null;
      case "results":
        return resultsObject(top.env, results);
      default:
        return fromJSON(summary.status);
    }
  }
}

function summaryObject(top: Top, summary: RunSummary): XObject {
  return lazy(RELATED_KEYS, new Summary(top, summary), fromJSON(summary.uuid));
}

const INPUT_KEYS = ["uuid", "type", "channel", "created_on", "text", "attachments", "urn", "external_id", "form"];

/** `@input`: the message (or nothing) the session is reacting to. */
class Input implements PropertySource {
  constructor(
    private readonly top: Top,
    private readonly input: InputJSON,
  ) {}

  property(key: string): XValue {
    const input = this.input;
    switch (key) {
      case "uuid":
        return fromJSON(input.uuid);
      case "type":
        return fromJSON(input.type);
      case "channel":
        return input.channel ? fromJSON({ __default__: input.channel.name, ...input.channel }) : null;
      case "created_on":
        return dt(this.top.env, input.created_on);
      case "text":
        return fromJSON(input.text);
      case "attachments":
        return fromJSON(input.attachments ?? []);
      case "urn":
        return input.urn ? text(redact(parseURN(input.urn), this.top.policy)) : null;
      case "external_id":
        return fromJSON(input.external_id ?? "");
      default:
        // Eddy's: the fields of a submitted WhatsApp form (docs/whatsapp-forms.md).
        return fromJSON(input.form ?? null);
    }
  }
}

function inputObject(top: Top): XValue {
  const input = top.session.json.input;
  if (!input) return null;
  const attachments = input.attachments ?? [];
  return lazy(INPUT_KEYS, new Input(top, input), fromJSON([input.text, ...attachments].filter((s) => s !== "").join("\n")));
}

export function buildContext(session: Session, evalEnv: Environment, run: RunJSON, nodeUUID: string | undefined): XObject {
  return lazy(TOP_KEYS, new Top(session, evalEnv, session.lastNow, run, nodeUUID));
}

/**
 * goflow's `@legacy_extra`: the trigger's params, then every result's extra that is an object (in
 * the order the results were saved), then the last webhook's JSON.
 */
function legacyExtra(params: Obj, run: RunJSON): Obj {
  const webhook = run.webhook;
  const webhookJSON = webhook && typeof webhook.json === "object" && webhook.json && !Array.isArray(webhook.json) ? webhook.json : {};
  const extras = Object.values(run.results)
    .filter((r) => typeof r.extra === "object" && r.extra !== null && !Array.isArray(r.extra))
    .sort((a, b) => (a.created_on < b.created_on ? -1 : a.created_on > b.created_on ? 1 : 0))
    .map((r) => r.extra as Obj);
  return Object.assign({}, params, ...extras, webhookJSON);
}
