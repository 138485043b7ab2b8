import type { FlowActionTrigger } from "./flow-action";
import type { ManualTrigger } from "./manual";
import type { MsgTrigger } from "./msg";

export type { TriggerBase } from "./base";
export type { ManualTrigger } from "./manual";
export type { MsgTrigger } from "./msg";
export type { FlowActionTrigger } from "./flow-action";
export { msgTriggerInput, withMsg } from "./msg";

export type TriggerJSON = ManualTrigger | MsgTrigger | FlowActionTrigger;

export const TRIGGER_TYPES = ["manual", "msg", "flow_action"] as const;

/** `@trigger`: goflow's keys, empty where a trigger type has none. */
export function triggerContext(t: TriggerJSON): Record<string, unknown> {
  return {
    type: t.type,
    params: t.params ?? {},
    keyword: t.type === "msg" ? (t.keyword_match?.keyword ?? "") : "",
    user: t.type === "manual" ? (t.user?.email ?? t.user?.name ?? "") : "",
    origin: t.type === "manual" ? (t.origin ?? "") : "",
  };
}
