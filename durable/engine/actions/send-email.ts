import { emailSent } from "../events/email";
import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/** An email the caller sends through its provider; addresses that render empty are dropped. */
export async function execute(a: ActionOf<"send_email">, s: Scope): Promise<ActionOutcome> {
  const to = a.addresses.map((t) => s.text(t).trim().replace(/^mailto:/, "")).filter((t) => t !== "");
  const subject = s.text(a.subject).replace(/\s*\n\s*/g, " ").trim();
  const body = s.text(a.body);
  if (to.length === 0) {
    s.log(error("email has no recipients, skipping"));
    return;
  }
  if (subject === "") {
    s.log(error("email subject evaluated to empty string, skipping"));
    return;
  }
  s.log(emailSent(to, subject, body));
}
