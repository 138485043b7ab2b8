import type { Action, Node } from "../../../durable/engine/flow/schema";
import { addContactGroups } from "./actions/add-contact-groups";
import { addContactUrn } from "./actions/add-contact-urn";
import { addInputLabels } from "./actions/add-input-labels";
import { callApi } from "./actions/call-api";
import { callResthook } from "./actions/call-resthook";
import { callWebhook } from "./actions/call-webhook";
import { enterFlow } from "./actions/enter-flow";
import { openTicket } from "./actions/open-ticket";
import { removeContactGroups } from "./actions/remove-contact-groups";
import { sendBroadcast } from "./actions/send-broadcast";
import { sendEmail } from "./actions/send-email";
import { sendMsg } from "./actions/send-msg";
import { sendWhatsAppForm } from "./actions/send-whatsapp-form";
import { setContactChannel } from "./actions/set-contact-channel";
import { setContactField } from "./actions/set-contact-field";
import { setContactLanguage } from "./actions/set-contact-language";
import { setContactName } from "./actions/set-contact-name";
import { setContactStatus } from "./actions/set-contact-status";
import { setContactTimezone } from "./actions/set-contact-timezone";
import { setRunLocal } from "./actions/set-run-local";
import { setRunResult } from "./actions/set-run-result";
import { startSession } from "./actions/start-session";
import { updateDoNotContact } from "./actions/update-do-not-contact";
import { updateVariables } from "./actions/update-variables";
import { splitAudience } from "./splits/split-audience";
import { splitByApi } from "./splits/split-by-api";
import { splitByExpression } from "./splits/split-by-expression";
import { splitByField } from "./splits/split-by-field";
import { splitByGroups } from "./splits/split-by-groups";
import { splitByRandom } from "./splits/split-by-random";
import { splitBySegment } from "./splits/split-by-segment";
import { splitByResult } from "./splits/split-by-result";
import { splitBySubflow } from "./splits/split-by-subflow";
import { splitByTicket } from "./splits/split-by-ticket";
import { splitByWebhook } from "./splits/split-by-webhook";
import { splitByWhatsAppForm } from "./splits/split-by-whatsapp-form";
import { waitForResponse } from "./splits/wait-for-response";
import { pause } from "./waits/pause";
import { waitForDate } from "./waits/wait-for-date";
import { waitForEvent } from "./waits/wait-for-event";
import { waitForProfileChange } from "./waits/wait-for-profile-change";
import type { ActionElement, FlowType, SplitElement } from "./types";

/** Actions that go in a node's action list. Webhooks, sub-flows and tickets route, so they are splits. */
export const ACTIONS = [
  sendMsg,
  sendBroadcast,
  sendEmail,
  addContactGroups,
  removeContactGroups,
  setContactField,
  setContactName,
  setContactLanguage,
  setContactTimezone,
  setContactStatus,
  setContactChannel,
  addContactUrn,
  updateDoNotContact,
  addInputLabels,
  setRunResult,
  setRunLocal,
  updateVariables,
  startSession,
  callResthook,
] as unknown as ActionElement[];

/** Also describable inside a split node (and when an export puts them in an action list). */
const ROUTING_ACTIONS = [callWebhook, enterFlow, openTicket, sendWhatsAppForm, callApi] as unknown as ActionElement[];

/** Most specific first: `matches` is tried in this order on nodes without `_ui`. */
export const SPLITS: SplitElement[] = [
  waitForResponse,
  pause,
  waitForDate,
  waitForProfileChange,
  waitForEvent,
  splitByWebhook,
  splitByApi,
  splitByWhatsAppForm,
  splitBySubflow,
  splitByTicket,
  splitByRandom,
  splitAudience,
  splitBySegment,
  splitByGroups,
  splitByResult,
  splitByField,
  splitByExpression,
];

const byType = new Map([...ACTIONS, ...ROUTING_ACTIONS].map((e) => [e.type as string, e]));

export const actionElement = (type: string): ActionElement | undefined => byType.get(type);

export const allowedIn = (e: { flowTypes?: FlowType[] }, type: FlowType): boolean => !e.flowTypes || e.flowTypes.includes(type);

/** The split a node is: the `_ui` type when the editor that saved it said, else the first that matches. */
export function splitOf(node: Node, uiType?: string): SplitElement | undefined {
  if (!node.router) return undefined;
  return SPLITS.find((s) => s.ui === uiType && s.matches(node)) ?? SPLITS.find((s) => s.matches(node));
}

export function summarise(action: Action): string {
  const e = actionElement(action.type);
  return e ? e.summary(action) : `${action.type} (not run by Eddy)`;
}

export const elementName = (action: Action): string => actionElement(action.type)?.name ?? action.type;

/** Extra problems the descriptions name for one node, keyed by action UUID. */
export function elementProblems(node: Node): { action_uuid: string; message: string }[] {
  return node.actions.flatMap((a) => (actionElement(a.type)?.validate?.(a) ?? []).map((message) => ({ action_uuid: a.uuid, message })));
}

