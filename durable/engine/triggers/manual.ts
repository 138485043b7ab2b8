import type { TriggerBase } from "./base";

/** A flow started by hand, by the API or by a schedule; `params` become `@trigger.params`. */
export interface ManualTrigger extends TriggerBase {
  type: "manual";
  params?: Record<string, unknown>;
  user?: { email?: string; name?: string };
  origin?: string;
}
