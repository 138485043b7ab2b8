import type { Ref } from "../events/base";
import { error } from "../events/diagnostics";
import { ticketOpened, type TicketJSON } from "../events/ticket";
import { saveResult } from "../results";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/**
 * Opens a ticket the caller creates; it becomes `@ticket`. Without a topic the first topic of the
 * workspace is used, as goflow does. With `result_name`, the result holds the ticket UUID.
 */
export async function execute(a: ActionOf<"open_ticket">, s: Scope): Promise<ActionOutcome> {
  const assets = s.session.assets;
  let topic: Ref | undefined = a.topic ? assets.topic(a.topic.uuid) : assets.source.topics?.[0];
  if (a.topic && !topic) {
    s.log(error(`no such topic: ${a.topic.name}`));
    topic = undefined;
  }
  const note = s.text(a.note ?? a.body ?? "");
  const ticket: TicketJSON = {
    uuid: s.session.services.uuid(),
    ...(topic ? { topic: { uuid: topic.uuid, name: topic.name } } : {}),
    ...(a.assignee ? { assignee: a.assignee } : {}),
    ...(note ? { note } : {}),
  };
  s.log(ticketOpened(ticket));
  s.run.ticket = ticket;
  s.session.touch();
  if (a.result_name) saveResult(s, a.result_name, ticket.uuid, "Success", "Success", undefined, undefined);
}
