/**
 * Guards against runaway flows, goflow's engine options. Exceeding the step limit fails the
 * run with a `failure` event that names the limit; the session ends `failed` and the contact keeps
 * every change made before it.
 */
export interface EngineLimits {
  /**
   * Nodes visited in one sprint (goflow: 100). A flow that loops without waiting hits this, and so
   * does a chain of sub-flows entering each other: goflow has no depth limit of its own.
   */
  maxStepsPerSprint: number;
  /** Results and field values are cut to this many characters (goflow: 640). */
  maxResultChars: number;
  maxFieldChars: number;
  /** Webhook request and response traces are cut to this many characters, with `...` (goflow: 10000). */
  maxTraceChars: number;
  /** Messages longer than this are cut (goflow: 10000 template characters). */
  maxMsgChars: number;
  /**
   * Sprints in one session, its start and every resume (goflow: 500): a flow that loops through a
   * wait fails when the next resume would pass it.
   */
  maxSprintsPerSession: number;
}

export const DEFAULT_LIMITS: EngineLimits = {
  maxStepsPerSprint: 100,
  maxResultChars: 640,
  maxFieldChars: 640,
  maxTraceChars: 10_000,
  maxMsgChars: 10_000,
  maxSprintsPerSession: 500,
};

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max);
}

export function truncateEllipsis(s: string, max: number): string {
  return s.length <= max ? s : s.slice(0, max - 3) + "...";
}
