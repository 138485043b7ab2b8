import type { ContactJSON } from "../contact";
import type { EnvironmentJSON } from "../session/types";

/** The wait's timeout passed with no reply: the router takes its timeout category. */
export interface WaitTimeoutResume {
  type: "wait_timeout";
  resumed_on?: string;
  contact?: ContactJSON;
  environment?: EnvironmentJSON | null;
}
