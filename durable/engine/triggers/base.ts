import type { ContactJSON } from "../contact";
import type { Ref } from "../events/base";
import type { EnvironmentJSON } from "../session/types";

/** What every goflow trigger carries: the flow, the contact it runs for, and when. */
export interface TriggerBase {
  type: string;
  flow: Ref;
  contact: ContactJSON;
  environment?: EnvironmentJSON | null;
  triggered_on?: string;
  params?: Record<string, unknown>;
  /** Values for the flow's variables (docs/journeys.md), checked against their types as the run begins. */
  variables?: Record<string, unknown>;
}
