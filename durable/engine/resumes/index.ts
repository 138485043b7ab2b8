import type { MsgResume } from "./msg";
import type { WaitExpirationResume } from "./wait-expiration";
import type { WaitTimeoutResume } from "./wait-timeout";
import type { TimePassedResume } from "./time-passed";
import type { ProfileChangedResume } from "./profile-changed";
import type { EventResume } from "./event";

export type { MsgResume } from "./msg";
export type { WaitTimeoutResume } from "./wait-timeout";
export type { WaitExpirationResume } from "./wait-expiration";
export type { TimePassedResume } from "./time-passed";
export type { ProfileChangedResume } from "./profile-changed";
export type { EventResume, ContactEvent } from "./event";

export type ResumeJSON = MsgResume | WaitTimeoutResume | WaitExpirationResume | TimePassedResume | ProfileChangedResume | EventResume;
