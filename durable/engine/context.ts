import { firstName, parseURN, type ContactJSON } from "./contact";
import type { Session } from "./session/session";
import type { ResultJSON, RunJSON } from "./session/types";
import { triggerContext } from "./triggers";
import type { RunSummary } from "./events/session";
import type { TicketJSON } from "./events/ticket";
import { fromJSON, toDateTime, XDateTime, XError, type Environment } from "./excellent";
import { variablesContext } from "./variables/context";

/**
 * The Excellent context as plain JSON, with goflow's top-level keys and, where goflow has one, each
 * object's `__default__` (what `@contact` alone renders). `fromJSON` turns it into an XObject.
 */

type Json = unknown;
type Obj = Record<string, Json>;

/** The schemes `@urns` lists, each the contact's first URN of that scheme or null. */
const URN_SCHEMES = [
  "discord", "email", "ext", "facebook", "fcm", "freshchat", "instagram", "jiochat", "line", "mailto", "rocketchat",
  "slack", "tel", "telegram", "twitter", "twitterid", "viber", "vk", "webchat", "wechat", "whatsapp",
];

/** A datetime as a datetime value, so templates format it in the environment's timezone. */
function dt(env: Environment, s: string | null | undefined): Json {
  if (!s) return null;
  const v = toDateTime(env, fromJSON(s));
  return v instanceof XError ? s : new XDateTime(v);
}

function redact(urn: string, policy: string | undefined): string {
  return policy === "urns" ? `${parseURN(urn).scheme}:********` : parseURN(urn).identity;
}

export function fieldsContext(session: Session, env: Environment, contact: ContactJSON): Obj {
  const out: Obj = {};
  const lines: string[] = [];
  for (const field of session.assets.source.fields ?? []) {
    const v = contact.fields?.[field.key];
    let value: Json = null;
    if (v) {
      if (field.type === "number") value = v.number ?? null;
      else if (field.type === "datetime") value = dt(env, v.datetime);
      else if (field.type === "state" || field.type === "district" || field.type === "ward") value = v[field.type] ?? null;
      else value = v.text;
      lines.push(`${field.name}: ${v.text}`);
    }
    out[field.key] = value;
  }
  return { __default__: lines.join("\n"), ...out };
}

function urnsContext(session: Session, contact: ContactJSON): Obj {
  const policy = session.json.environment.redaction_policy;
  const out: Obj = {};
  for (const scheme of URN_SCHEMES) {
    const urn = (contact.urns ?? []).find((u) => parseURN(u).scheme === scheme);
    out[scheme] = urn ? redact(urn, policy) : null;
  }
  return out;
}

export function contactContext(session: Session, env: Environment, contact: ContactJSON, fields?: Json): Obj {
  const policy = session.json.environment.redaction_policy;
  const urns = (contact.urns ?? []).map((u) => redact(u, policy));
  const first = contact.urns?.[0];
  const display = contact.name || (first ? (policy === "urns" ? "********" : parseURN(first).path) : "");
  const channelUUID = first ? parseURN(first).channel : undefined;
  const channel = channelUUID ? session.assets.channel(channelUUID) : undefined;
  return {
    __default__: display,
    uuid: contact.uuid,
    id: contact.id !== undefined ? String(contact.id) : "",
    name: contact.name ?? "",
    first_name: firstName(contact.name),
    display,
    language: contact.language ?? null,
    status: contact.status ?? "active",
    timezone: contact.timezone ?? null,
    created_on: dt(env, contact.created_on),
    last_seen_on: dt(env, contact.last_seen_on),
    urns,
    urn: urns[0] ?? null,
    groups: (contact.groups ?? []).map((g) => ({ __default__: g.name, uuid: g.uuid, name: g.name })),
    fields: fields ?? fieldsContext(session, env, contact),
    channel: channel ? { __default__: channel.name, uuid: channel.uuid, name: channel.name, address: channel.address ?? "" } : null,
    // The contact's open tickets (those this session opened, and any the caller passed in).
    tickets: ((contact.tickets as TicketJSON[] | undefined) ?? []).map((t) => ({
      __default__: t.uuid,
      uuid: t.uuid,
      topic: t.topic ? { __default__: t.topic.name, ...t.topic } : null,
      assignee: t.assignee ?? null,
    })),
  };
}

function resultContext(env: Environment, r: ResultJSON): Obj {
  return {
    __default__: r.value,
    name: r.name,
    value: r.value,
    category: r.category ?? "",
    category_localized: r.category_localized ?? r.category ?? "",
    input: r.input ?? "",
    extra: r.extra ?? null,
    node_uuid: r.node_uuid,
    created_on: dt(env, r.created_on),
  };
}

export function resultsContext(env: Environment, results: Record<string, ResultJSON>): Obj {
  const out: Obj = {};
  const lines: string[] = [];
  for (const [key, r] of Object.entries(results)) {
    out[key] = resultContext(env, r);
    lines.push(`${r.name}: ${r.value}`);
  }
  return { __default__: lines.join("\n"), ...out };
}

function flowContext(flow: { uuid: string; name: string }, revision?: number): Obj {
  return { __default__: flow.name, uuid: flow.uuid, name: flow.name, revision: revision ?? 0 };
}

/** The session's contact, built once per context and shared by every place that shows it. */
interface Shared {
  contact: Json;
  fields: Json;
  urns: Json;
}

function runContext(session: Session, env: Environment, run: RunJSON, shared: Shared): Obj {
  return {
    __default__: run.uuid,
    uuid: run.uuid,
    contact: shared.contact,
    flow: flowContext(run.flow, safeRevision(session, run.flow.uuid)),
    status: run.status,
    results: resultsContext(env, run.results),
    created_on: dt(env, run.created_on),
    exited_on: dt(env, run.exited_on),
  };
}

function safeRevision(session: Session, flowUUID: string): number | undefined {
  try {
    return session.assets.flow(flowUUID).definition.revision;
  } catch {
    return undefined;
  }
}

/** `@parent` and `@child`: a run next to this one, goflow's "related run". */
function relatedRunContext(session: Session, env: Environment, run: RunJSON, shared: Shared): Obj {
  return {
    __default__: run.uuid,
    uuid: run.uuid,
    run: runContext(session, env, run, shared),
    contact: shared.contact,
    flow: flowContext(run.flow),
    fields: shared.fields,
    urns: shared.urns,
    results: resultsContext(env, run.results),
    status: run.status,
  };
}

/** `@parent` of a session started by `start_session`: the run summary its trigger carries. */
function summaryContext(session: Session, env: Environment, summary: RunSummary): Obj {
  const contact = summary.contact as ContactJSON | undefined;
  const results = summary.results as Record<string, ResultJSON>;
  const runObj = { __default__: summary.uuid, uuid: summary.uuid, flow: flowContext(summary.flow), status: summary.status, results: resultsContext(env, results) };
  return {
    __default__: summary.uuid,
    uuid: summary.uuid,
    run: runObj,
    contact: contact ? contactContext(session, env, contact) : null,
    flow: flowContext(summary.flow),
    fields: contact ? fieldsContext(session, env, contact) : null,
    urns: contact ? urnsContext(session, contact) : null,
    results: resultsContext(env, results),
    status: summary.status,
  };
}

function inputContext(session: Session, env: Environment): Json {
  const input = session.json.input;
  if (!input) return null;
  const attachments = input.attachments ?? [];
  return {
    __default__: [input.text, ...attachments].filter((s) => s !== "").join("\n"),
    uuid: input.uuid,
    type: input.type,
    channel: input.channel ? { __default__: input.channel.name, ...input.channel } : null,
    created_on: dt(env, input.created_on),
    text: input.text,
    attachments,
    urn: input.urn ? redact(input.urn, session.json.environment.redaction_policy) : null,
    external_id: input.external_id ?? "",
    // Eddy's: the fields of a submitted WhatsApp form (docs/whatsapp-forms.md).
    form: input.form ?? null,
  };
}

export function buildContext(session: Session, evalEnv: Environment, run: RunJSON, nodeUUID: string | undefined): Obj {
  // Reading datetimes out of the session's JSON is not a clock read in goflow, so it isn't here.
  const env = session.quietEnvironment(evalEnv);
  const trigger = session.trigger;
  const parent = session.parentOf(run);
  const child = session.childOf(run);
  const webhook = run.webhook;
  const params = trigger.params ?? {};
  const fields = fromJSON(fieldsContext(session, env, session.contact));
  const shared: Shared = {
    contact: fromJSON(contactContext(session, env, session.contact, fields)),
    fields,
    urns: fromJSON(urnsContext(session, session.contact)),
  };
  const webhookJSON = webhook && typeof webhook.json === "object" && webhook.json && !Array.isArray(webhook.json) ? webhook.json : {};
  return {
    contact: shared.contact,
    fields: shared.fields,
    urns: shared.urns,
    results: resultsContext(env, run.results),
    input: inputContext(session, env),
    run: runContext(session, env, run, shared),
    child: child ? relatedRunContext(session, env, child, shared) : null,
    parent: parent
      ? relatedRunContext(session, env, parent, shared)
      : trigger.type === "flow_action"
        ? summaryContext(session, env, trigger.run_summary)
        : null,
    // With no JSON answer `@webhook` reads as the call, `POST https://...` (goflow).
    webhook: webhook ? { __default__: webhook.json ?? (webhook.method ? `${webhook.method} ${webhook.url}` : null), status: webhook.status, json: webhook.json, headers: webhook.headers ?? {} } : null,
    trigger: triggerContext(trigger),
    globals: session.assets.globals(),
    node: nodeUUID
      ? { __default__: nodeUUID, uuid: nodeUUID, visit_count: run.path.filter((s) => s.node_uuid === nodeUUID).length }
      : null,
    locals: run.locals ?? {},
    vars: variablesContext(session, env, run),
    legacy_extra: legacyExtra(params, run, webhookJSON),
    ticket: run.ticket
      ? {
          __default__: run.ticket.uuid,
          uuid: run.ticket.uuid,
          topic: run.ticket.topic ? { __default__: run.ticket.topic.name, ...run.ticket.topic } : null,
          assignee: run.ticket.assignee ?? null,
        }
      : null,
  };
}

/**
 * goflow's `@legacy_extra`: the trigger's params, then every result's extra that is an object (in
 * the order the results were saved), then the last webhook's JSON.
 */
function legacyExtra(params: Obj, run: RunJSON, webhookJSON: object): Obj {
  const extras = Object.values(run.results)
    .filter((r) => typeof r.extra === "object" && r.extra !== null && !Array.isArray(r.extra))
    .sort((a, b) => (a.created_on < b.created_on ? -1 : a.created_on > b.created_on ? 1 : 0))
    .map((r) => r.extra as Obj);
  return Object.assign({}, params, ...extras, webhookJSON);
}
