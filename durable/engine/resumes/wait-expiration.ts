import type { ContactJSON } from "../contact";
import type { EnvironmentJSON } from "../session/types";

/** The waiting run expired (the flow's `expire_after_minutes`): it ends `expired`, its parent goes on. */
export interface WaitExpirationResume {
  type: "wait_expiration";
  resumed_on?: string;
  contact?: ContactJSON;
  environment?: EnvironmentJSON | null;
}
