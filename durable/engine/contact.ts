import type { Ref } from "./events/base";
import { cloneJSON } from "./session/clone";

/** A contact field's value, typed every way its text parses (goflow's `contacts.Value`). */
export interface FieldValue {
  text: string;
  number?: number;
  datetime?: string;
  state?: string;
  district?: string;
  ward?: string;
}

export type ContactStatus = "active" | "blocked" | "stopped" | "archived";

/** goflow's contact JSON. URNs are strings such as `tel:+12065551212?channel=<uuid>`. */
export interface ContactJSON {
  uuid: string;
  id?: number;
  name?: string;
  language?: string;
  timezone?: string;
  status?: ContactStatus;
  created_on: string;
  last_seen_on?: string;
  urns?: string[];
  groups?: Ref[];
  fields?: Record<string, FieldValue | null>;
  [key: string]: unknown;
}

export interface ParsedURN {
  scheme: string;
  path: string;
  /** The channel the contact last talked to us on through this URN, if any. */
  channel?: string;
  /** The URN without its query: what goes on a message. */
  identity: string;
}

export function parseURN(urn: string): ParsedURN {
  const q = urn.indexOf("?");
  const identity = q >= 0 ? urn.slice(0, q) : urn;
  const colon = identity.indexOf(":");
  const params = new URLSearchParams(q >= 0 ? urn.slice(q + 1) : "");
  return {
    scheme: colon >= 0 ? identity.slice(0, colon) : "",
    path: colon >= 0 ? identity.slice(colon + 1) : identity,
    channel: params.get("channel") ?? undefined,
    identity,
  };
}

export function withChannel(urn: string, channelUUID: string | null): string {
  const p = parseURN(urn);
  const q = urn.indexOf("?");
  const params = new URLSearchParams(q >= 0 ? urn.slice(q + 1) : "");
  if (channelUUID) params.set("channel", channelUUID);
  else params.delete("channel");
  const qs = params.toString();
  return qs ? `${p.identity}?${qs}` : p.identity;
}

/** The name's first word, as `@contact.first_name` shows it. */
export function firstName(name: string | undefined): string {
  return (name ?? "").trim().split(/\s+/)[0] ?? "";
}

/** Copies a contact so that a sprint never mutates its caller's object. */
export function cloneContact(c: ContactJSON): ContactJSON {
  return cloneJSON(c);
}
