import { quickReplyTexts, type EventJSON, type FieldValue, type MsgOut, type RunJSON, type SessionJSON } from "../engine";
import type { Assets } from "./assets";
import { storedFieldValue } from "./contact";
import { fromEvent as doNotContactWrites } from "./do-not-contact";
import { passStatements } from "./flow-passes";
import type { Statement } from "./storage/journal";
import type { NewFanout } from "./storage/fanouts";
import type { NewOutbox } from "./storage/outbox";
import type { Pins } from "./storage/sessions";
import { formOutbox, formSendRow } from "../../worker/whatsapp-forms/flow-sends";
import { interactiveOutbox } from "../../worker/channels/whatsapp_cloud/interactive";

/**
 * What a sprint means outside the engine: D1 rows to write (messages, contact changes, run
 * summaries and results) and messages to send. Pure: the caller stores both in one transaction.
 */
export interface Effects {
  statements: Statement[];
  outbox: NewOutbox[];
  /** Broadcasts and starts of other contacts, carried out by the alarm (fanout.ts). */
  fanouts: NewFanout[];
}

/** What an email gets when the workspace has no email channel: its D1 row is failed and the outbox row says why. */
export const NO_EMAIL_CHANNEL = "no email channel: add a channel of type email to send the flow's emails";

export interface SprintChange {
  before: SessionJSON | null;
  after: SessionJSON;
  events: EventJSON[];
  pins: Pins;
}

export function sprintEffects(contactUuid: string, assets: Assets, change: SprintChange, nowIso: string): Effects {
  const statements: Statement[] = [];
  const outbox: NewOutbox[] = [];
  const fanouts: NewFanout[] = [];
  const runOfStep = new Map<string, RunJSON>();
  for (const run of change.after.runs) for (const step of run.path) runOfStep.set(step.uuid, run);
  const inReplyTo = change.after.input?.external_id ?? null;

  for (const e of change.events) {
    if (e.type === "msg_created") {
      const msg = e.msg as MsgOut;
      const run = e.step_uuid ? runOfStep.get(e.step_uuid) : undefined;
      const sendable = !msg.unsendable_reason && !!msg.urn && !!msg.channel;
      statements.push(outMessage(contactUuid, msg, sendable ? "queued" : "failed", run, nowIso));
      if (sendable) {
        outbox.push({ uuid: msg.uuid, channelUuid: msg.channel!.uuid, urn: msg.urn!, text: msg.text, attachments: msg.attachments ?? [], quickReplies: quickReplyTexts(msg.quick_replies), inReplyTo, flowUuid: run?.flow.uuid ?? null, ...formOutbox(msg), ...interactiveOutbox(msg, assets.channels.get(msg.channel!.uuid)?.type) });
        // A WhatsApp form's send (worker/whatsapp-forms/flow-sends.ts).
        const formSend = formSendRow(contactUuid, msg, nowIso);
        if (formSend) statements.push(formSend);
      }
    } else if (e.type === "email_sent") {
      const run = e.step_uuid ? runOfStep.get(e.step_uuid) : undefined;
      const channel = [...assets.channels.values()].find((c) => c.type === "email");
      for (const to of e.to as string[]) {
        const msg: MsgOut = { uuid: crypto.randomUUID(), urn: `mailto:${to}`, text: e.body as string, ...(channel ? { channel: { uuid: channel.uuid, name: channel.name } } : {}) };
        statements.push(outMessage(contactUuid, msg, channel ? "queued" : "failed", run, nowIso));
        outbox.push({
          uuid: msg.uuid,
          channelUuid: channel?.uuid ?? null,
          urn: msg.urn!,
          text: msg.text,
          attachments: [],
          quickReplies: [],
          inReplyTo: null,
          subject: e.subject as string,
          // Its flow's delivery window holds it like a message.
          flowUuid: run?.flow.uuid ?? null,
          ...(channel ? {} : { failed: NO_EMAIL_CHANNEL }),
        });
      }
    } else if (e.type === "broadcast_created" || e.type === "session_triggered") {
      const { type: _, created_on: __, step_uuid: ___, ...payload } = e;
      fanouts.push({ kind: e.type === "broadcast_created" ? "broadcast" : "start", payload });
    } else {
      statements.push(...contactChange(contactUuid, assets, e, nowIso));
    }
  }
  statements.push(...runChanges(contactUuid, change, nowIso));
  // Who entered and which branch of a split each contact took, for the flow's metrics.
  statements.push(...passStatements(contactUuid, assets, change, nowIso));
  return { statements, outbox, fanouts };
}

export function outMessage(contactUuid: string, msg: MsgOut, status: "queued" | "failed" | "skipped", run: RunJSON | undefined, nowIso: string): Statement {
  return {
    sql: `INSERT INTO messages (uuid, contact_uuid, channel_uuid, urn, direction, text, attachments, quick_replies, status, flow_uuid, run_uuid, created_on, modified_on)
          VALUES (?, ?, ?, ?, 'out', ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (uuid) DO NOTHING`,
    params: [
      msg.uuid,
      contactUuid,
      msg.channel?.uuid ?? null,
      msg.urn ?? null,
      msg.text,
      JSON.stringify(msg.attachments ?? []),
      JSON.stringify(quickReplyTexts(msg.quick_replies)),
      status,
      run?.flow.uuid ?? null,
      run?.uuid ?? null,
      nowIso,
      nowIso,
    ],
  };
}

const setColumn = (column: string, value: string | null, contactUuid: string, nowIso: string): Statement => ({
  sql: `UPDATE contacts SET ${column} = ?, modified_on = ? WHERE uuid = ?`,
  params: [value, nowIso, contactUuid],
});

/** Contact events become targeted updates (one field, one membership), so concurrent API edits to other parts survive. */
function contactChange(contactUuid: string, assets: Assets, e: EventJSON, nowIso: string): Statement[] {
  switch (e.type) {
    case "contact_name_changed":
      return [setColumn("name", (e.name as string) || null, contactUuid, nowIso)];
    case "contact_language_changed":
      return [setColumn("language", (e.language as string) || null, contactUuid, nowIso)];
    case "contact_timezone_changed":
      return [setColumn("timezone", (e.timezone as string) || null, contactUuid, nowIso)];
    case "contact_status_changed":
      return [setColumn("status", e.status as string, contactUuid, nowIso)];
    case "contact_field_changed": {
      const key = (e.field as { key: string }).key;
      const path = `$."${key}"`;
      const value = e.value as FieldValue | null;
      return value
        ? [{ sql: "UPDATE contacts SET fields = json_set(fields, ?, ?), modified_on = ? WHERE uuid = ?", params: [path, storedFieldValue(assets.fieldTypes.get(key), value), nowIso, contactUuid] }]
        : [{ sql: "UPDATE contacts SET fields = json_remove(fields, ?), modified_on = ? WHERE uuid = ?", params: [path, nowIso, contactUuid] }];
    }
    case "contact_groups_changed": {
      // Smart groups' memberships too: the engine computed them from their queries (docs/segments.md).
      const added = (e.groups_added ?? []) as { uuid: string }[];
      const removed = (e.groups_removed ?? []) as { uuid: string }[];
      return [
        ...added.map((g) => ({ sql: "INSERT OR IGNORE INTO group_members (group_uuid, contact_uuid) VALUES (?, ?)", params: [g.uuid, contactUuid] })),
        ...removed.map((g) => ({ sql: "DELETE FROM group_members WHERE group_uuid = ? AND contact_uuid = ?", params: [g.uuid, contactUuid] })),
      ];
    }
    case "contact_urns_changed":
      return urnChanges(contactUuid, e.urns as string[]);
    case "contact_do_not_contact_changed":
      return doNotContactWrites(e, nowIso);
    default:
      return [];
  }
}

/** The contact's URNs become exactly these, in this order; a URN another contact holds stays theirs. */
export function urnChanges(contactUuid: string, urns: string[]): Statement[] {
  const parsed = urns.map((u, priority) => {
    const q = u.indexOf("?");
    const identity = q >= 0 ? u.slice(0, q) : u;
    const colon = identity.indexOf(":");
    const channel = q >= 0 ? new URLSearchParams(u.slice(q + 1)).get("channel") : null;
    return { scheme: identity.slice(0, colon), path: identity.slice(colon + 1), identity, channel, priority };
  });
  return [
    ...parsed.map((u) => ({
      sql: `INSERT INTO contact_urns (scheme, path, contact_uuid, priority, channel_uuid) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (scheme, path) DO UPDATE SET priority = excluded.priority, channel_uuid = excluded.channel_uuid WHERE contact_urns.contact_uuid = excluded.contact_uuid`,
      params: [u.scheme, u.path, contactUuid, u.priority, u.channel],
    })),
    {
      sql: `DELETE FROM contact_urns WHERE contact_uuid = ? AND (scheme || ':' || path) NOT IN (SELECT value FROM json_each(?))`,
      params: [contactUuid, JSON.stringify(parsed.map((u) => u.identity))],
    },
  ];
}

/** Run summaries and results that this sprint changed (compared with the session before it). */
function runChanges(contactUuid: string, change: SprintChange, nowIso: string): Statement[] {
  const before = new Map((change.before?.runs ?? []).map((r) => [r.uuid, r]));
  const out: Statement[] = [];
  for (const run of change.after.runs) {
    const old = before.get(run.uuid);
    if (old && old.status === run.status && old.modified_on === run.modified_on) continue;
    out.push({
      sql: `INSERT INTO runs (uuid, contact_uuid, flow_uuid, flow_version, status, results, created_on, modified_on, exited_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (uuid) DO UPDATE SET status = excluded.status, results = excluded.results, modified_on = excluded.modified_on, exited_on = excluded.exited_on`,
      params: [run.uuid, contactUuid, run.flow.uuid, change.pins[run.flow.uuid] ?? 0, run.status, JSON.stringify(run.results), run.created_on, run.modified_on ?? nowIso, run.exited_on ?? null],
    });
    for (const [key, r] of Object.entries(run.results)) {
      if (old?.results[key]?.created_on === r.created_on) continue;
      out.push({
        sql: `INSERT INTO run_results (run_uuid, flow_uuid, key, name, value, category, input, node_uuid, created_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (run_uuid, key) DO UPDATE SET name = excluded.name, value = excluded.value, category = excluded.category, input = excluded.input, node_uuid = excluded.node_uuid, created_on = excluded.created_on`,
        params: [run.uuid, run.flow.uuid, key, r.name, r.value, r.category ?? null, r.input ?? null, r.node_uuid, r.created_on],
      });
    }
  }
  return out;
}

/**
 * A session ended from outside the engine: interrupted by a new messaging session, or failed when
 * the engine refuses to resume it. Its runs still going end with it.
 */
export function ended(session: SessionJSON, status: "interrupted" | "failed", nowIso: string): SessionJSON {
  const copy = structuredClone(session);
  for (const run of copy.runs) {
    if (run.status === "active" || run.status === "waiting") {
      run.status = status;
      run.exited_on = nowIso;
      run.modified_on = nowIso;
      delete run.expires_on;
    }
  }
  copy.status = status;
  delete copy.wait;
  return copy;
}

/** Flows the session entered for the first time this sprint are pinned to the version it ran. */
export function pinRuns(session: SessionJSON, pins: Pins, assets: Assets): Pins {
  const out = { ...pins };
  for (const run of session.runs) if (out[run.flow.uuid] === undefined) out[run.flow.uuid] = assets.flows.get(run.flow.uuid)?.version ?? 0;
  return out;
}

