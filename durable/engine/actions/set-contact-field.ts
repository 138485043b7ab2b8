import type { FieldValue } from "../contact";
import { contactFieldChanged } from "../events/contact";
import { error } from "../events/diagnostics";
import { evaluateExpression, fromJSON, isError, toJSON, type XObject } from "../excellent";
import { findLocationsFuzzy, LEVEL_DISTRICT, LEVEL_STATE, LEVEL_WARD } from "../excellent/locations";
import { truncate } from "../limits";
import type { Session } from "../session/session";
import type { ActionOf, ActionOutcome, Scope } from "./base";

const NUMBER = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)\s*$/;

/**
 * A field value typed every way its text reads, as goflow's `contacts.NewValue` does: a number if
 * it is one, a datetime if the environment can read one, a location if the field is one.
 */
export function fieldValue(s: Scope, type: string, text: string): FieldValue {
  const value: FieldValue = { text };
  if (NUMBER.test(text)) value.number = Number(text.trim());
  const dt = evaluateExpression("datetime(v)", fromJSON({ v: text }) as XObject, s.session.quietEnvironment(s.env));
  if (!isError(dt) && dt !== null) value.datetime = JSON.parse(toJSON(dt)) as string;
  const levels: Record<string, number> = { state: LEVEL_STATE, district: LEVEL_DISTRICT, ward: LEVEL_WARD };
  if (s.env.locations && type in levels) {
    const found = findLocationsFuzzy(s.env.locations, text, levels[type], null)[0];
    // A district keeps its state, a ward its district and state (goflow's `NewValue`).
    if (found) {
      const parts = found.path.split(" > ");
      const depth = levels[type];
      if (depth >= LEVEL_STATE) value.state = parts.slice(0, 2).join(" > ");
      if (depth >= LEVEL_DISTRICT) value.district = parts.slice(0, 3).join(" > ");
      if (depth >= LEVEL_WARD) value.ward = parts.slice(0, 4).join(" > ");
    }
  }
  return value;
}

/** Sets (or, with empty text, clears) a field and logs the change; no change, no event. */
export function setField(s: Scope, session: Session, key: string, text: string): void {
  const field = session.assets.field(key);
  if (!field) {
    s.log(error(`no such field: ${key}`, "missing_dependency"));
    return;
  }
  text = truncate(text.trim(), session.limits.maxFieldChars);
  const old = session.contact.fields?.[key] ?? null;
  const value = text === "" ? null : fieldValue(s, field.type, text);
  if (JSON.stringify(old) === JSON.stringify(value)) return;
  session.contact.fields = { ...session.contact.fields, [key]: value };
  s.log(contactFieldChanged({ key: field.key, name: field.name }, value));
}

export async function execute(a: ActionOf<"set_contact_field">, s: Scope): Promise<ActionOutcome> {
  setField(s, s.session, a.field.key, s.text(a.value));
}
