import { flowsNotification, formEvents } from "../../whatsapp-forms/events";
import { invalid } from "../shared/webhook";
import type { WebhookResult } from "../types";

/**
 * Adds the `flows` field's changes (WhatsApp forms' status changes and endpoint alerts) of a signed
 * notification to its result; the webhook route applies them (worker/whatsapp-forms/apply.ts).
 */
export function withFormEvents(result: WebhookResult, payload: unknown): WebhookResult {
  if (result.kind !== "accepted") return result;
  const parsed = flowsNotification.safeParse(payload);
  if (!parsed.success) return result;
  const events = formEvents(parsed.data);
  if (!events.ok) return invalid(events.error);
  return events.events.length ? { ...result, formEvents: events.events } : result;
}
