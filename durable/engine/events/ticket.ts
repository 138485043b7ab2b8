import type { EventBody, Ref } from "./base";

export interface TicketJSON {
  uuid: string;
  topic?: Ref | null;
  assignee?: { email?: string; name?: string; uuid?: string } | null;
}

export const ticketOpened = (ticket: TicketJSON) => ({ type: "ticket_opened", ticket }) as EventBody<"ticket_opened">;

/** The note of a ticket the flow opened: an event of its own, as goflow logs it now. */
export const ticketNoteAdded = (ticketUUID: string, note: string) =>
  ({ type: "ticket_note_added", ticket_uuid: ticketUUID, note }) as EventBody<"ticket_note_added">;
