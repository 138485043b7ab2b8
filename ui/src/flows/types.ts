/** A flow as GET /api/v1/flows lists it. */
export type FlowType = "messaging" | "messaging_background";
/** What a flow may be once stored: an imported Surveyor flow keeps its offline type (Eddy does not start it). */
export type StoredFlowType = FlowType | "messaging_offline";
export type FlowStatus = "draft" | "active" | "paused" | "archived";

export interface FlowItem {
  uuid: string;
  name: string;
  type: StoredFlowType;
  status: FlowStatus;
  published_version: number | null;
  draft_revision: number;
  contacts_now: number;
  finishing: { version: number; contacts: number }[];
  created_on: string;
  modified_on: string;
}

export interface FlowPage {
  results: FlowItem[];
  next: string | null;
}

/** One problem of a flow, as import, validate and publish report it. */
export interface FlowIssue {
  path: string;
  message: string;
  level?: "error" | "warning";
  node_uuid?: string;
}
