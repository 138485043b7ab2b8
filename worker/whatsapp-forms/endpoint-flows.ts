import { z } from "zod";
import type { Issue } from "../api/errors";
import type { RunReport } from "../../durable/contact/contact-session";
import type { EndpointRequest } from "./endpoint-answers";

/**
 * A data endpoint screen whose data an Eddy flow works out for the contact (docs/whatsapp-forms.md,
 * "Screens from a flow"): an `endpoint_screens` entry whose only key is `flow`.
 */
export const FlowScreen = z.strictObject({ flow: z.strictObject({ uuid: z.uuid(), name: z.string().max(256).optional() }) });
export type FlowScreen = z.infer<typeof FlowScreen>;

export function flowOf(entry: unknown): FlowScreen["flow"] | null {
  const parsed = FlowScreen.safeParse(entry);
  return parsed.success ? parsed.data.flow : null;
}

/**
 * Meta counts a request answered after 10 s as `timeout_error`; the flow gets 8 s so the answer
 * (and its encryption) still goes in time. An object so the tests can shorten it.
 */
export const flowScreenLimit = { ms: 8_000 };

const hasWait = (definition: Record<string, unknown>) =>
  ((definition.nodes as { router?: { wait?: unknown } }[] | undefined) ?? []).some((n) => n.router?.wait !== undefined);

/**
 * The flows `endpoint_screens` names must be published, active, background flows (they run beside
 * whatever the contact is doing) with no wait of any kind in their published version: the screen
 * is answered when the flow ends. One D1 read per named flow.
 */
export async function flowScreenIssues(db: D1Database, screens: Record<string, Record<string, unknown>>): Promise<Issue[]> {
  const issues: Issue[] = [];
  for (const [screen, entry] of Object.entries(screens)) {
    if (!("flow" in entry)) continue;
    const path = `endpoint_screens.${screen}.flow`;
    const flow = flowOf(entry);
    if (!flow) {
      issues.push({ path, message: 'a screen computed by a flow is {"flow": {"uuid": "…"}} and nothing else (static data has no "flow" key)' });
      continue;
    }
    const row = await db
      .prepare("SELECT f.type, f.status, v.definition FROM flows f LEFT JOIN flow_versions v ON v.flow_uuid = f.uuid AND v.version = f.published_version WHERE f.uuid = ?")
      .bind(flow.uuid)
      .first<{ type: string; status: string; definition: string | null }>();
    const why = !row
      ? `flow ${flow.uuid} does not exist`
      : !row.definition || row.status !== "active"
        ? `flow ${flow.uuid} is not published and active`
        : row.type !== "messaging_background"
          ? `flow ${flow.uuid} is a ${row.type} flow: only a background flow (messaging_background) answers a screen`
          : hasWait(JSON.parse(row.definition))
            ? `flow ${flow.uuid} waits (its published version has a wait): a screen is answered when the flow ends`
            : null;
    if (why) issues.push({ path: `${path}.uuid`, message: why });
  }
  return issues;
}

/** The contact a flow_token was made for (Eddy's sends of this form), or null. One D1 read. */
export async function tokenContact(db: D1Database, form: string, token: string | undefined): Promise<string | null> {
  if (!token) return null;
  const row = await db.prepare("SELECT contact_uuid FROM whatsapp_form_sends WHERE flow_token = ? AND form_uuid = ?").bind(token, form).first<{ contact_uuid: string }>();
  return row?.contact_uuid ?? null;
}

/** What the flow gets as `@trigger.params`. */
export function flowParams(form: { uuid: string; name: string }, req: EndpointRequest, next: string): Record<string, unknown> {
  return { form, action: req.action, screen: req.screen ?? null, next, data: req.data ?? {}, flow_token: req.flow_token ?? null };
}

export type FlowOutcome = { data: Record<string, unknown> } | { error: string };

/**
 * The screen's data from the ended run: the last webhook's JSON when the flow called one that
 * answered a JSON object, else the run's results by key.
 */
export function screenData(run: RunReport | undefined): FlowOutcome {
  if (!run) return { error: "the flow did not run" };
  if (run.status !== "completed") return { error: `the flow ${run.status === "waiting" ? "waits" : `ended ${run.status}`} instead of answering the screen` };
  const hook: unknown = run.webhook ? JSON.parse(run.webhook) : null;
  if (hook && typeof hook === "object" && !Array.isArray(hook)) return { data: hook as Record<string, unknown> };
  return { data: run.results };
}

/** Runs the flow in the contact's object, giving up after `ms` (the run still ends and is recorded there). */
export async function runScreenFlow(env: Cloudflare.Env, origin: string, contact: string, flow: string, params: Record<string, unknown>, ms = flowScreenLimit.ms): Promise<FlowOutcome> {
  const timer = new AbortController();
  const late = scheduler.wait(ms, { signal: timer.signal }).then(
    () => ({ error: `the flow took longer than ${ms / 1000} s` }),
    () => ({ error: "" }),
  );
  const run = env.CONTACTS.getByName(contact)
    .startFlow(contact, origin, { flowUuid: flow, params, report: true })
    .then((r): FlowOutcome => (r.status === "started" ? screenData(r.run) : { error: `the flow was ${r.status}: ${r.reason}` }));
  return Promise.race([run, late]).finally(() => timer.abort());
}
