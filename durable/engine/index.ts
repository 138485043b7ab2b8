/** The flow engine's public API: see docs/engine.md. */
export { Engine, EngineError, type Sprint } from "./engine";
export type { EngineLimits } from "./limits";
export { DEFAULT_LIMITS } from "./limits";
export {
  cannedHttp,
  fetchHttp,
  realServices,
  replayServices,
  type CannedResponse,
  type EngineServices,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type HttpFailure,
  type QueryMatcher,
  type QueryContext,
} from "./services";
export type { SessionAssets } from "./assets";
export { queryGroupChanges, withGroupChanges } from "./query-groups";
export type { ContactJSON, FieldValue } from "./contact";
export type { EventJSON } from "./events/base";
export type { MsgIn, MsgOut, QuickReply } from "./events/msg";
export { quickReplyTexts } from "./events/msg";
export type { TriggerJSON, ManualTrigger, MsgTrigger, FlowActionTrigger } from "./triggers";
export type { ResumeJSON, MsgResume, WaitTimeoutResume, WaitExpirationResume, TimePassedResume, ProfileChangedResume, EventResume, ContactEvent } from "./resumes";
export type {
  SessionJSON,
  RunJSON,
  StepJSON,
  ResultJSON,
  SessionStatus,
  RunStatus,
  EnvironmentJSON,
  WaitJSON,
  InputJSON,
} from "./session/types";
export { formatTime, parseTime } from "./time";
