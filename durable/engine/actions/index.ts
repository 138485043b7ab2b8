import { error } from "../events/diagnostics";
import { isSupportedAction, type Action, type ActionType } from "../flow/schema";
import type { ActionOf, ActionOutcome, Scope } from "./base";
import * as addContactGroups from "./add-contact-groups";
import * as addContactUrn from "./add-contact-urn";
import * as addInputLabels from "./add-input-labels";
import * as callResthook from "./call-resthook";
import * as callWebhook from "./call-webhook";
import * as enterFlow from "./enter-flow";
import * as openTicket from "./open-ticket";
import * as removeContactGroups from "./remove-contact-groups";
import * as sendBroadcast from "./send-broadcast";
import * as sendEmail from "./send-email";
import * as sendMsg from "./send-msg";
import * as sendInteractiveMsg from "./send-interactive-msg";
import * as sendWhatsAppForm from "./send-whatsapp-form";
import * as setContactChannel from "./set-contact-channel";
import * as setContactField from "./set-contact-field";
import * as setContactLanguage from "./set-contact-language";
import * as setContactName from "./set-contact-name";
import * as setContactStatus from "./set-contact-status";
import * as setContactTimezone from "./set-contact-timezone";
import * as setRunLocal from "./set-run-local";
import * as setRunResult from "./set-run-result";
import * as startSession from "./start-session";
import * as updateVariables from "./update-variables";
import * as callApi from "./call-api";
import * as updateDoNotContact from "./update-do-not-contact";

export type { Scope, ActionOutcome } from "./base";

type Executors = { [T in ActionType]: (a: ActionOf<T>, s: Scope) => Promise<ActionOutcome> };

const EXECUTORS: Executors = {
  send_msg: sendMsg.execute,
  send_broadcast: sendBroadcast.execute,
  send_email: sendEmail.execute,
  add_contact_urn: addContactUrn.execute,
  set_contact_field: setContactField.execute,
  set_contact_name: setContactName.execute,
  set_contact_language: setContactLanguage.execute,
  set_contact_timezone: setContactTimezone.execute,
  set_contact_status: setContactStatus.execute,
  set_contact_channel: setContactChannel.execute,
  add_contact_groups: addContactGroups.execute,
  remove_contact_groups: removeContactGroups.execute,
  add_input_labels: addInputLabels.execute,
  set_run_result: setRunResult.execute,
  set_run_local: setRunLocal.execute,
  call_webhook: callWebhook.execute,
  call_resthook: callResthook.execute,
  open_ticket: openTicket.execute,
  enter_flow: enterFlow.execute,
  start_session: startSession.execute,
  send_whatsapp_form: sendWhatsAppForm.execute,
  send_interactive_msg: sendInteractiveMsg.execute,
  update_variables: updateVariables.execute,
  call_api: callApi.execute,
  update_do_not_contact: updateDoNotContact.execute,
};

/**
 * Runs one action. A type Eddy does not run (voice, airtime, LLM, classifier, anything newer)
 * loaded with its flow; reaching it fails the run, naming the type.
 */
export function executeAction(action: Action, s: Scope): Promise<ActionOutcome> {
  // goflow logs an error when no channel can ask for the opt-in; Eddy's channels never can.
  if (action.type === "request_optin") {
    s.log(error(`request_optin is not supported by Eddy: no opt-in was requested (action ${action.uuid})`, "unsupported"));
    return Promise.resolve();
  }
  if (!isSupportedAction(action)) {
    return Promise.resolve({ fail: `action type '${action.type}' is not supported by Eddy (action ${action.uuid})`, code: "unknown_action" });
  }
  const exec = EXECUTORS[action.type] as (a: Action, s: Scope) => Promise<ActionOutcome>;
  return exec(action, s);
}
