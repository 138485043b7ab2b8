import type { ContactJSON } from "../contact";
import type { EnvironmentJSON } from "../session/types";

/** Something the contact did, as `POST`ed to Eddy: a name, properties, when it happened. */
export interface ContactEvent {
  name: string;
  properties?: Record<string, unknown>;
  occurred_on: string;
}

/**
 * An event of the contact's: a wait for that event whose conditions it meets takes its exit; any
 * other event leaves the session waiting.
 */
export interface EventResume {
  type: "event";
  event: ContactEvent;
  resumed_on?: string;
  contact?: ContactJSON;
  environment?: EnvironmentJSON | null;
}
