import type { EventBody } from "./base";

/** Something odd the run survived (a deprecated context value, a truncated body...). */
export const warning = (text: string) => ({ type: "warning", text }) as EventBody<"warning">;

/** Something went wrong but the run carries on (a template error, a missing asset...). */
export const error = (text: string) => ({ type: "error", text }) as EventBody<"error">;

/** The run cannot go on: it and its session end as failed. */
export const failure = (text: string) => ({ type: "failure", text }) as EventBody<"failure">;
