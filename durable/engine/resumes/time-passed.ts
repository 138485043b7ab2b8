import type { ContactJSON } from "../contact";
import type { EnvironmentJSON } from "../session/types";

/**
 * The time a pause or a wait for a date waited for has come (the session's `wait.resumes_on`).
 * Eddy's own: goflow's `wait_timeout` means a reply did not come, which is not what happened here.
 */
export interface TimePassedResume {
  type: "time_passed";
  resumed_on?: string;
  contact?: ContactJSON;
  environment?: EnvironmentJSON | null;
}
