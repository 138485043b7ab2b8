import type { ContactJSON } from "../contact";
import type { MsgIn } from "../events/msg";
import type { EnvironmentJSON } from "../session/types";

/** A reply to the session's message wait. */
export interface MsgResume {
  type: "msg";
  msg: MsgIn;
  resumed_on?: string;
  contact?: ContactJSON;
  environment?: EnvironmentJSON | null;
}
