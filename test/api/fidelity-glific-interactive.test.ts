// Glific's interactive templates through the API (issue #12, Imports): an export's
// interactive_templates go into the flows' send_interactive_msg actions at import; on SMS the
// message is its text with the options, and the typed answer resumes the flow as any reply. A template the export lacks
// is reported on its node at import and publishing refuses the flow.
import { describe, expect, it } from "vitest";
import { uniqueWord } from "./helpers";
import { call, postTwilio, twilioChannel, twilioOutbox, twilioSms, unique } from "../contact/support";

const { sent: sms } = twilioOutbox();
const id = () => crypto.randomUUID();

const CHECK_IN = { type: "quick_reply", content: { type: "text", header: "Check-in", text: "Hi @contact.first_name, are you well?" }, options: [{ type: "text", title: "Yes" }, { type: "text", title: "No" }] };
const CITIES = {
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
function glificFlow(checkInId: number) {
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

async function importGlific(flows: { definition: Record<string, unknown>; keywords: string[] }[]) {
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

describe("Glific's interactive templates", () => {
  it("on SMS the message is the text with its options, and a typed option routes the flow", async () => {
    const keyword = uniqueWord();
    const definition = glificFlow(5);
    await importGlific([{ definition, keywords: [keyword] }]);
    expect((await call("POST", `/flows/${definition.uuid}/publish`)).status).toBe(201);
    const channel = await twilioChannel();
    const from = `+25078${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
    expect((await postTwilio(channel.uuid, twilioSms(channel, from, keyword))).status).toBe(200);
    // The contact has no name on SMS: the template's text as it renders, then the options.
    await expect.poll(() => sms.filter((m) => m.to === from).map((m) => m.body), { timeout: 10_000 }).toEqual(["Hi , are you well?\n\nYes\nNo"]);
    await postTwilio(channel.uuid, twilioSms(channel, from, "yes"));
    await expect.poll(() => sms.filter((m) => m.to === from).length, { timeout: 10_000 }).toBe(2);
    expect(sms.filter((m) => m.to === from)[1].body).toBe("Where do you live?\n\nKigali\nHuye");
  });

  it("a template the export does not bring is reported on its node at import, and publishing refuses the flow", async () => {
    const definition = glificFlow(99);
    const imported = await importGlific([{ definition, keywords: [] }]);
    const node = definition.nodes[0] as { uuid: string; actions: { uuid: string }[] };
    expect(imported.flows[0].problems).toContainEqual(
      expect.objectContaining({ level: "error", node_uuid: node.uuid, action_uuid: node.actions[0].uuid, message: expect.stringContaining("interactive template 99 (Check-in) is not in the flow") }),
    );
    const published = await call("POST", `/flows/${definition.uuid}/publish`);
    expect(published.status).toBe(422);
    expect(JSON.stringify(published.body)).toContain("interactive template 99 (Check-in) is not in the flow");
  });
});
