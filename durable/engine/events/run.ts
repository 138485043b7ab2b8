import type { EventBody, Ref } from "./base";

/**
 * goflow marks a run's start and end with these two events (they replaced `flow_entered`): the
 * sub-flow's parent and whether the entry was terminal come with the start.
 */
export const runStarted = (runUUID: string, flow: Ref & { revision: number }, parentUUID?: string, terminal?: boolean) =>
  ({
    type: "run_started",
    run_uuid: runUUID,
    flow,
    ...(parentUUID ? { parent_run_uuid: parentUUID } : {}),
    ...(terminal ? { terminal: true } : {}),
  }) as EventBody<"run_started">;

export const runEnded = (runUUID: string, flow: Ref, status: string) =>
  ({ type: "run_ended", run_uuid: runUUID, flow, status }) as EventBody<"run_ended">;

export interface ResultChange {
  name: string;
  value: string;
  category: string;
  category_localized?: string;
  input?: string;
  extra?: unknown;
  /** The result this one replaces, as goflow logs it (so a counter of categories can move one from the old to the new). */
  previous?: { value: string; category?: string };
}

export const runResultChanged = (r: ResultChange) => ({ type: "run_result_changed", ...r }) as EventBody<"run_result_changed">;

export const waitTimedOut = () => ({ type: "wait_timed_out" }) as EventBody<"wait_timed_out">;
