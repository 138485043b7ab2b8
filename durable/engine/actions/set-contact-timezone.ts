import { contactTimezoneChanged } from "../events/contact";
import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";

function isZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA zone name, or empty to clear it. */
export async function execute(a: ActionOf<"set_contact_timezone">, s: Scope): Promise<ActionOutcome> {
  const rendered = s.strictText(a.timezone);
  if (rendered === undefined) return;
  const timezone = rendered.trim();
  if (timezone !== "" && !isZone(timezone)) {
    s.log(error(`unrecognized timezone: '${timezone}'`, "invalid_value"));
    return;
  }
  if ((s.session.contact.timezone ?? "") === timezone) return;
  if (timezone === "") delete s.session.contact.timezone;
  else s.session.contact.timezone = timezone;
  s.log(contactTimezoneChanged(timezone));
}
