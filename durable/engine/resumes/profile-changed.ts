import type { ContactJSON } from "../contact";
import type { EnvironmentJSON } from "../session/types";

/**
 * The contact changed outside the session (the API, the console, an import, another flow): the
 * contact as it is now. A wait for a profile change whose field or attribute differs from what it
 * saw takes its exit; any other change leaves it waiting.
 */
export interface ProfileChangedResume {
  type: "profile_changed";
  contact: ContactJSON;
  resumed_on?: string;
  environment?: EnvironmentJSON | null;
}
