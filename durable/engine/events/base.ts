/**
 * Every event carries `type`, `created_on` and, when it happened at a step of a run, `step_uuid`,
 * as goflow writes them. Constructors in this folder build the body; the run that logs an event
 * stamps it (one clock read per event, as goflow's `NewXxx` constructors do).
 */
export interface EventBase {
  type: string;
  created_on: string;
  step_uuid?: string;
}

/** An event as it goes out: plain JSON. */
export type EventJSON = EventBase & { [key: string]: unknown };

/** An event body before it is stamped. */
export type EventBody<T extends string = string, F = object> = { type: T } & F;

export interface Ref {
  uuid: string;
  name: string;
}
