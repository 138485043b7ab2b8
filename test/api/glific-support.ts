// A Glific export with interactive templates, for the API tests of send_interactive_msg.
import { expect } from "vitest";
import { call, unique } from "../contact/support";

const id = () => crypto.randomUUID();

export const CHECK_IN = { type: "quick_reply", content: { type: "text", header: "Check-in", text: "Hi @contact.first_name, are you well?" }, options: [{ type: "text", title: "Yes" }, { type: "text", title: "No" }] };
export const CITIES = {
  type: "list",
  title: "Cities",
  body: "Where do you live?",
  globalButtons: [{ type: "text", title: "Pick a city" }],
  items: [{ title: "Rwanda", subtitle: "Rwanda", options: [{ type: "text", title: "Kigali", description: "The capital" }, { type: "text", title: "Huye", description: "" }] }],
};

/** A node that waits for a reply and saves it as `result`, one category per word. */
function ask(uuid: string, result: string, words: string[], next: string | null) {
  const cats = [...words, "Other"].map((name) => ({ uuid: id(), name, exit_uuid: id() }));
  return {
    uuid,
    actions: [],
    router: {
      type: "switch",
      operand: "@input.text",
      result_name: result,
      wait: { type: "msg" },
      cases: words.map((w, i) => ({ uuid: id(), type: "has_any_word", arguments: [w], category_uuid: cats[i].uuid })),
      categories: cats,
      default_category_uuid: cats[cats.length - 1].uuid,
    },
    exits: cats.map((c) => ({ uuid: c.exit_uuid, destination_uuid: next })),
  };
}

/** A Glific flow (13.1.0, language base): the check-in buttons (template 5), then the cities list (template 6). */
export function glificFlow(checkInId: number) {
  const n = [id(), id(), id(), id(), id()];
  const send = (node: string, template: number, name: string, next: string) => ({
    uuid: node,
    actions: [{ uuid: id(), type: "send_interactive_msg", id: template, name, text: "", labels: [], params: [], paramsCount: "0" }],
    exits: [{ uuid: id(), destination_uuid: next }],
  });
  return {
    uuid: id(),
    name: `Glific check-in ${unique()}`,
    spec_version: "13.1.0",
    language: "base",
    type: "messaging",
    revision: 1,
    expire_after_minutes: 10080,
    localization: {},
    nodes: [
      send(n[0], checkInId, "Check-in", n[1]),
      ask(n[1], "Choice", ["Yes", "No"], n[2]),
      send(n[2], 6, "Cities", n[3]),
      ask(n[3], "City", ["Kigali", "Huye"], n[4]),
      { uuid: n[4], actions: [{ uuid: id(), type: "send_msg", text: "@results.choice.category in @results.city.value" }], exits: [{ uuid: id(), destination_uuid: null }] },
    ],
  };
}

export async function importGlific(flows: { definition: Record<string, unknown>; keywords: string[] }[]) {
  const r = await call("POST", "/flows/import", {
    flows,
    contact_field: [],
    collections: [],
    // Glific writes a template's content as an object, or as JSON text.
    interactive_templates: [
      { id: 5, label: "Check-in", type: "quick_reply", interactive_content: CHECK_IN, translations: {} },
      { id: 6, label: "Cities", type: "list", interactive_content: JSON.stringify(CITIES) },
    ],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}
