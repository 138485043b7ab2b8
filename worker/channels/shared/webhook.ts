import type { InboundMessage, StatusUpdate, WebhookResult } from "../types";
import type { z } from "zod";

export const rejected = (status: 401 | 403, reason: string): WebhookResult => ({ kind: "rejected", status, reason });

export const invalid = (error: string): WebhookResult => ({ kind: "invalid", status: 400, error });

export function accepted(messages: InboundMessage[], statuses: StatusUpdate[], response?: Response): WebhookResult {
  return { kind: "accepted", messages, statuses, response: response ?? Response.json({ ok: true }) };
}

/** A zod error as one line naming the failing field, for 400 answers. */
export function zodMessage(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid payload";
  const path = issue.path.length ? issue.path.join(".") : "body";
  return `${path}: ${issue.message}`;
}

export function parseJson(raw: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

/** Unix seconds (number or numeric string) to ISO 8601; now when absent. */
export function unixToIso(seconds: number | string | undefined): string {
  const n = typeof seconds === "string" ? Number(seconds) : seconds;
  return n !== undefined && Number.isFinite(n) ? new Date(n * 1000).toISOString() : new Date().toISOString();
}
