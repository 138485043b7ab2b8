import type { RunSummary, SessionHistory } from "../events/session";
import type { TriggerBase } from "./base";

/** A session started by another session's `start_session` action; its run is `@parent`. */
export interface FlowActionTrigger extends TriggerBase {
  type: "flow_action";
  run_summary: RunSummary;
  history?: SessionHistory;
}
