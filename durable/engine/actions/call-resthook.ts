import { parseURN } from "../contact";
import type { EventBody } from "../events/base";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { callableURL, keepCall, makeCall, type Call } from "./http-call";

/**
 * goflow's resthook: the run's summary POSTed as JSON to every URL subscribed to the resthook
 * (each a `webhook_called`), after a `resthook_called` with the payload. `@webhook` and the result
 * are the first call that failed, else the last one; a 410 (the subscriber left) counts for neither.
 */
export async function execute(a: ActionOf<"call_resthook">, s: Scope): Promise<ActionOutcome> {
  const payload = JSON.stringify(resthookPayload(s));
  s.log({ type: "resthook_called", resthook: a.resthook, payload: JSON.parse(payload) } as EventBody<"resthook_called">);
  const subscribers = s.session.assets.source.resthooks?.find((r) => r.slug === a.resthook)?.subscribers ?? [];
  let chosen: Call | undefined;
  for (const subscriber of subscribers) {
    const url = callableURL(s, subscriber);
    if (!url) continue;
    const call = await makeCall(s, "POST", url, { "Content-Type": "application/json" }, payload);
    if (!call || call.statusCode === 410) continue;
    if (!chosen || chosen.status === "success") chosen = call;
  }
  if (chosen) keepCall(s, chosen, a.result_name);
}

/** What goflow's resthook payload template renders: the contact, flow, path, results, run and input. */
function resthookPayload(s: Scope): unknown {
  const { contact, json } = s.session;
  const run = s.run;
  const input = json.input;
  return {
    contact: { uuid: contact.uuid, name: contact.name ?? "", urn: contact.urns?.[0] ? parseURN(contact.urns[0]).identity : null },
    flow: run.flow,
    path: run.path.map((p) => ({ node_uuid: p.node_uuid, arrived_on: p.arrived_on, exit_uuid: p.exit_uuid ?? "" })),
    results: Object.fromEntries(
      Object.entries(run.results).map(([k, r]) => [k, { name: r.name, value: r.value, category: r.category ?? "", node_uuid: r.node_uuid, input: r.input ?? "", created_on: r.created_on }]),
    ),
    run: { uuid: run.uuid, created_on: run.created_on },
    input: input ? { urn: input.urn ?? null, text: input.text ?? "", attachments: input.attachments ?? [] } : null,
    channel: input?.channel ?? null,
  };
}
