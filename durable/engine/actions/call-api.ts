import { error } from "../events/diagnostics";
import { fromJSON, urlEncode } from "../excellent";
import { saveResult } from "../results";
import { setVariable } from "../variables/run";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import { callableURL, keepCall, makeCall, type Call } from "./http-call";
import { atPath } from "./json-path";

/** The kind of answer, as the result's category, for a split to branch on (Moments' exits). */
export function answerCategory(call: Call): string {
  if (call.status === "connection_error") return "No response";
  const code = call.statusCode;
  if (code >= 200 && code < 300) return "2xx";
  if (code >= 400 && code < 500) return "4xx";
  if (code >= 500 && code < 600) return "5xx";
  return "Other";
}

/**
 * Eddy's call API: goflow's webhook (the same limits, blocked hosts, `webhook_called` event and
 * `@webhook`) with a JSON body, a form body or none; with a 2xx answer, each response path's
 * value goes into its flow variable, checked against the variable's type.
 */
export async function execute(a: ActionOf<"call_api">, s: Scope): Promise<ActionOutcome> {
  const raw = s.text(a.url, urlEncode).trim();
  // A call that is not made (its error logged) branches as "No response", so the journey goes on.
  const notSent = () => {
    if (a.result_name) saveResult(s, a.result_name, "0", "No response", "No response", `${a.method} ${raw}`, undefined);
  };
  const url = callableURL(s, raw);
  if (!url) return notSent();
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.headers ?? {})) headers[k] = s.text(v);
  const has = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);

  let body = "";
  if (a.body_type === "json") {
    body = s.text(a.body ?? "");
    try {
      JSON.parse(body);
    } catch {
      s.log(error(`call_api: the body is not JSON once evaluated: not sent (${body.slice(0, 100)})`));
      return notSent();
    }
    if (!has("content-type")) headers["Content-Type"] = "application/json";
  } else if (a.body_type === "form") {
    body = (a.form ?? []).map((f) => `${encodeURIComponent(f.name)}=${encodeURIComponent(s.text(f.value))}`).join("&");
    if (!has("content-type")) headers["Content-Type"] = "application/x-www-form-urlencoded";
  }

  const call = await makeCall(s, a.method, url, headers, body);
  if (!call) return notSent();
  keepCall(s, call, a.result_name, answerCategory);
  if (answerCategory(call) !== "2xx") return;
  for (const { path, variable } of a.response_variables ?? []) {
    const value = atPath(call.json, path);
    if (value === undefined) s.log(error(`call_api: the response has nothing at "${path}": variable "${variable}" not set`));
    else if (value !== null && typeof value === "object")
      s.log(error(`call_api: the response's "${path}" is ${Array.isArray(value) ? "an array" : "an object"}, not a value: variable "${variable}" not set`));
    else setVariable(s, variable, fromJSON(value), `call_api: the response's "${path}"`);
  }
}
