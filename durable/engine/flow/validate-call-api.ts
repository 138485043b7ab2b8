import { parsePath } from "../actions/json-path";
import type { Action } from "./schema";

type Report = (path: string, message: string) => void;

/** A call API's body goes with its type, and its response paths are paths (docs/journeys.md). */
export function checkCallApi(action: Extract<Action, { type: "call_api" }>, error: Report): void {
  if (action.body_type === "json" && !action.body) error("body", `a JSON body needs "body"`);
  if (action.body_type !== "json" && action.body !== undefined) error("body", `"body" goes with body_type "json"`);
  if (action.body_type !== "form" && action.form !== undefined) error("form", `"form" goes with body_type "form"`);
  if (action.body_type !== "none" && action.method === "GET") error("body_type", "a GET request has no body");
  (action.response_variables ?? []).forEach((m, i) => {
    if (!parsePath(m.path)?.length) error(`response_variables[${i}].path`, `"${m.path}" is not a path like data.items[0].total`);
  });
}
