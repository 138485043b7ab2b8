import { urlEncode } from "../excellent";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { callableURL, keepCall, makeCall } from "./http-call";

/**
 * Calls the URL through the injected client, logs `webhook_called` with the traces, and fills
 * `@webhook` (status code and parsed body) and, with `result_name`, a result.
 */
export async function execute(a: ActionOf<"call_webhook">, s: Scope): Promise<ActionOutcome> {
  // Expressions in the URL are URL-encoded, as goflow does, so `?q=@input.text` stays one parameter.
  const url = callableURL(s, s.text(a.url, urlEncode).trim());
  if (!url) return;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.headers ?? {})) headers[k] = s.text(v);
  const body = a.body ? s.text(a.body) : "";
  const call = await makeCall(s, a.method, url, headers, body);
  if (call) keepCall(s, call, a.result_name);
}
