import type { EventBody, Ref } from "./base";

export interface TicketJSON {
  uuid: string;
  topic?: Ref | null;
  assignee?: { email?: string; name?: string; uuid?: string } | null;
  note?: string;
}

export const ticketOpened = (ticket: TicketJSON) => ({ type: "ticket_opened", ticket }) as EventBody<"ticket_opened">;
