import { contactLanguageChanged } from "../events/contact";
import { error } from "../events/diagnostics";
import type { ActionOf, ActionOutcome, Scope } from "./base";

/** An ISO 639-3 code, or empty to clear it. */
export async function execute(a: ActionOf<"set_contact_language">, s: Scope): Promise<ActionOutcome> {
  const rendered = s.strictText(a.language);
  if (rendered === undefined) return;
  const language = rendered.trim().toLowerCase();
  if (language !== "" && !/^[a-z]{3}$/.test(language)) {
    s.log(error(`'${language}' is not a valid language code`, "invalid_value"));
    return;
  }
  if ((s.session.contact.language ?? "") === language) return;
  if (language === "") delete s.session.contact.language;
  else s.session.contact.language = language;
  s.log(contactLanguageChanged(language));
}
