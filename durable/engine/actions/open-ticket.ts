import type { Ref } from "../events/base";
import { error } from "../events/diagnostics";
import { ticketNoteAdded, ticketOpened, type TicketJSON } from "../events/ticket";
import { saveResult } from "../results";
import type { ActionOf, ActionOutcome, Scope } from "./base";

type Assignee = NonNullable<TicketJSON["assignee"]>;

/**
 * Opens a ticket the caller creates; it becomes `@ticket`, `@locals._new_ticket` and one of
 * `@contact.tickets`. Without a topic the first topic of the workspace is used, as goflow does. The
 * assignee is a user of the workspace (an `email_match` template is evaluated first); an unknown
 * one is an error and the ticket opens unassigned. A batch start opens no tickets (goflow).
 * With `result_name`, the result holds the ticket UUID.
 */
export async function execute(a: ActionOf<"open_ticket">, s: Scope): Promise<ActionOutcome> {
  const session = s.session;
  if (session.trigger.type === "manual" && session.trigger.batch) {
    s.log(error("can't open tickets for contacts started in a batch", "not_allowed"));
    return;
  }
  const assets = session.assets;
  let topic: Ref | undefined = a.topic ? assets.topic(a.topic.uuid) : assets.source.topics?.[0];
  if (a.topic && !topic) {
    s.log(error(`no such topic: ${a.topic.name}`, "missing_dependency"));
    topic = undefined;
  }
  const assignee = findAssignee(a.assignee ?? undefined, s);
  const note = s.text(a.note ?? a.body ?? "");
  const ticket: TicketJSON = {
    uuid: session.services.uuid(),
    ...(topic ? { topic: { uuid: topic.uuid, name: topic.name } } : {}),
    ...(assignee ? { assignee } : {}),
  };
  s.log(ticketOpened(ticket));
  if (note) s.log(ticketNoteAdded(ticket.uuid, note));
  s.run.ticket = ticket;
  (s.run.locals ??= {})._new_ticket = ticket.uuid;
  const contact = session.contact;
  contact.tickets = [...((contact.tickets as TicketJSON[] | undefined) ?? []), ticket];
  session.touch();
  if (a.result_name) saveResult(s, a.result_name, ticket.uuid, "Success", "Success", undefined, undefined);
}

function findAssignee(ref: (Assignee & { email_match?: string }) | undefined, s: Scope): Assignee | undefined {
  if (!ref) return undefined;
  const email = ref.email_match !== undefined ? s.text(ref.email_match).trim() : ref.email;
  if (!email && !ref.uuid) return undefined;
  const users = s.session.assets.source.users ?? [];
  const user = users.find((u) => (email && u.email?.toLowerCase() === email.toLowerCase()) || (ref.uuid && u.uuid === ref.uuid));
  if (!user) {
    s.log(error(`no such user: ${email || ref.uuid}`, "missing_dependency"));
    return undefined;
  }
  // A user reference, as goflow writes one: email and name.
  return { ...(user.email ? { email: user.email } : {}), ...(user.name ? { name: user.name } : {}) };
}
