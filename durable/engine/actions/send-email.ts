import { emailSent } from "../events/email";
import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/**
 * An email the caller sends through its provider, in the contact's language (subject and body are
 * localized, as goflow's are). Addresses that render empty are dropped; the subject is one line
 * (tabs and newlines become spaces); an empty subject or body sends nothing.
 */
export async function execute(a: ActionOf<"send_email">, s: Scope): Promise<ActionOutcome> {
  const to = a.addresses.map((t) => s.text(t).trim().replace(/^mailto:/, "")).filter((t) => t !== "");
  const subjectTemplate = s.localized(a.uuid, "subject", [a.subject]).values[0] ?? a.subject;
  const bodyTemplate = s.localized(a.uuid, "body", [a.body]).values[0] ?? a.body;
  const subject = s.text(subjectTemplate).replace(/[\t\r\n]+/g, " ").replace(/ {2,}/g, " ").trim();
  const body = s.text(bodyTemplate);
  if (to.length === 0) {
    s.log(error("email has no recipients, skipping", "invalid_value"));
    return;
  }
  if (subject === "") {
    s.log(error("email subject evaluated to empty string, skipping", "invalid_value"));
    return;
  }
  if (body.trim() === "") {
    s.log(error("email body evaluated to empty string, skipping", "invalid_value"));
    return;
  }
  s.log(emailSent(to, subject, body));
}
