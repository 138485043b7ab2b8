import type { OpenTicket } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";
import { clip } from "../summary";

type A = typeof OpenTicket._zod.output;

export const openTicket: ActionElement<A> = {
  type: "open_ticket",
  name: "Open a ticket",
  group: "Services",
  flowTypes: ["messaging", "messaging_background", "voice"],
  fields: [
    { key: "topic", label: "Topic", kind: "ref", asset: "topics", nullable: true },
    { key: "assignee", label: "Assignee", kind: "ref", asset: "users", nullable: true },
    { key: "note", label: "Note", kind: "text", expression: true, multiline: true },
    { key: "result_name", label: "Result name", kind: "text", max: 64 },
  ],
  defaults: () => ({ topic: null, note: "", result_name: "Result" }),
  summary: (a) => `open a ticket${a.topic ? ` on ${a.topic.name}` : ""}${a.note ? `: ${clip(a.note, 50)}` : ""}`,
};
