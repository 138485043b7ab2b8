import type { EventBody } from "./base";

/** A pause began: the caller resumes the session with `time_passed` at `resumes_on`. */
export const pauseWait = (resumesOn: string) => ({ type: "pause_wait", resumes_on: resumesOn }) as EventBody<"pause_wait">;

/** A wait for a profile change began: resume with `profile_changed` (and `time_passed` at `resumes_on`, if any). */
export const profileChangeWait = (watching: string, resumesOn?: string) =>
  ({ type: "profile_change_wait", watching, ...(resumesOn ? { resumes_on: resumesOn } : {}) }) as EventBody<"profile_change_wait">;

/** A wait for an event began: resume with `event` (and `time_passed` at `resumes_on`, if any). */
export const eventWait = (event: string, resumesOn?: string) =>
  ({ type: "event_wait", event, ...(resumesOn ? { resumes_on: resumesOn } : {}) }) as EventBody<"event_wait">;

/** A wait for a date began (or was planned again): resume with `time_passed` at `resumes_on`. */
export const dateWait = (resumesOn: string, field: { key: string; name: string }) =>
  ({ type: "date_wait", resumes_on: resumesOn, field: { key: field.key, name: field.name } }) as EventBody<"date_wait">;
