import type { SetContactLanguage } from "../../../../durable/engine/flow/schema";
import type { ActionElement } from "../types";

type A = typeof SetContactLanguage._zod.output;

export const setContactLanguage: ActionElement<A> = {
  type: "set_contact_language",
  name: "Update the contact's language",
  group: "Contact",
  fields: [{ key: "language", label: "Language (ISO 639-3, e.g. fra)", kind: "text", expression: true, required: true }],
  defaults: () => ({ language: "" }),
  summary: (a) => `set language to ${a.language || "?"}`,
  validate: (a) => (a.language.includes("@") || /^[a-z]{3}$/.test(a.language) ? [] : ["a language is three lowercase letters (ISO 639-3)"]),
};
