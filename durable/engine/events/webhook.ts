import type { EventBody } from "./base";

export type CallStatus = "success" | "response_error" | "connection_error";

export interface WebhookCalled {
  url: string;
  status: CallStatus;
  status_code?: number;
  elapsed_ms: number;
  retries: number;
  request: string;
  response?: string;
  extraction: "none" | "valid" | "cleaned" | "invalid";
}

export const webhookCalled = (f: WebhookCalled) => ({ type: "webhook_called", ...f }) as EventBody<"webhook_called">;
