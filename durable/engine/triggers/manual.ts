import type { TriggerBase } from "./base";

/** A flow started by hand, by the API or by a schedule; `params` become `@trigger.params`. */
export interface ManualTrigger extends TriggerBase {
  type: "manual";
  params?: Record<string, unknown>;
  user?: { email?: string; name?: string };
  origin?: string;
  /** Started with many contacts at once (a start of a group, a query...): such a session opens no tickets, as in goflow. */
  batch?: boolean;
}
