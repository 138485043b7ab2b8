import type { Ref } from "../events/base";
import { sessionTriggered } from "../events/session";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { resolveGroups } from "./groups";
import { isValidURN, normalizeURN } from "./add-contact-urn";
import { passedVariables } from "./passed-variables";
import { quoteQueryValue } from "./query";
import { error } from "../events/diagnostics";

/**
 * Asks the caller to start other contacts (or, with `create_contact`, a new one) in a flow. The
 * event carries a summary of this run (their `@parent`) and how deep the chain of starts is.
 */
export async function execute(a: ActionOf<"start_session">, s: Scope): Promise<ActionOutcome> {
  const urns = (a.urns ?? []).map((u) => s.text(u)).filter((u) => u !== "");
  for (const v of a.legacy_vars ?? []) {
    const r = s.text(v).trim();
    if (r !== "") urns.push(r.includes(":") ? r : `tel:${r}`);
  }
  urns.push(...participantURNs(a, s));
  const groups: Ref[] = resolveGroups(s, a.groups ?? []).map((g) => ({ uuid: g.uuid, name: g.name }));
  const contacts = (a.contacts ?? []).map((c) => ({ uuid: c.uuid, ...(c.name ? { name: c.name } : {}) }));
  const query = a.contact_query ? s.text(a.contact_query, quoteQueryValue) : "";
  if (urns.length + groups.length + contacts.length === 0 && query === "" && !a.create_contact) return;

  const variables = passedVariables(s, a.variables);
  const session = s.session;
  const parentHistory = session.trigger.type === "flow_action" ? session.trigger.history : undefined;
  s.log(
    sessionTriggered({
      flow: { uuid: a.flow.uuid, name: a.flow.name },
      ...(urns.length ? { urns } : {}),
      ...(contacts.length ? { contacts } : {}),
      ...(groups.length ? { groups } : {}),
      ...(query ? { contact_query: query } : {}),
      ...(a.create_contact ? { create_contact: true } : {}),
      ...(a.exclusions?.in_a_flow ? { exclusions: { in_a_flow: true } } : {}),
      run_summary: {
        uuid: s.run.uuid,
        flow: s.run.flow,
        contact: structuredClone(session.contact),
        status: s.run.status,
        results: structuredClone(s.run.results),
      },
      history: {
        parent_uuid: session.json.uuid,
        ancestors: (parentHistory?.ancestors ?? 0) + 1,
        ancestors_since_input: session.json.input ? 0 : (parentHistory?.ancestors_since_input ?? 0) + 1,
      },
      ...(variables ? { _variables: variables } : {}),
    }),
  );
}

/**
 * Eddy's `participant`: a phone number (to E.164 in the environment's country) or an email address
 * from a template, as a URN the caller starts (creating its contact when none has it). Empty is
 * nobody; one that is not a phone number or an address is an `error` and nobody.
 */
function participantURNs(a: ActionOf<"start_session">, s: Scope): string[] {
  const out: string[] = [];
  for (const [kind, scheme] of [["phone", "tel"], ["email", "mailto"]] as const) {
    const template = a.participant?.[kind];
    if (template === undefined) continue;
    const value = s.text(template).trim();
    if (value === "") continue;
    const urn = normalizeURN(scheme, value, s.env.default_country);
    if (isValidURN(urn) && (scheme !== "tel" || /^tel:\+?\d{5,}$/.test(urn))) out.push(urn);
    else s.log(error(`start_session: the participant's ${kind} "${value}" is not ${kind === "phone" ? "a phone number" : "an email address"}: nobody added`));
  }
  return out;
}
