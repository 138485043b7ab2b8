// Glific's send_interactive_msg (issue #12, Imports): its template (imported into the action, or
// Glific's copy in `text`, or an expression's JSON) goes out as a message whose options are quick
// replies, with Eddy's `interactive` widget for channels that draw one; without a template the
// flow does not publish, and a run that reaches it anyway logs an error and goes on.
import { describe, expect, it } from "vitest";
import { loadFlow } from "../../durable/engine/flow/load";
import { assets, contact, engine, linearFlow, manual, ofType, texts, u } from "./engine-support";

const F = u(8800);
const quickReply = (options: string[], content: Record<string, unknown> = { type: "text", text: "Ready, @contact.first_name?" }) => ({
  type: "quick_reply",
  content,
  options: options.map((title) => ({ type: "text", title })),
});
const flowWith = (action: Record<string, unknown>) =>
  linearFlow(F, "Interactive", [{ actions: [{ uuid: u(8801), type: "send_interactive_msg", id: 3, name: "Ready", ...action }, { uuid: u(8802), type: "send_msg", text: "after" }] }]);
const run = async (action: Record<string, unknown>, who = contact()) => (await engine().start(assets(flowWith(action)), manual({ uuid: F, name: "Interactive" }, who))).events;
// Each problem names its node and action, and says what is wrong.
const problems = (action: Record<string, unknown>) =>
  loadFlow(flowWith(action)).problems.map((p) => `${p.level} ${p.path} ${p.node_uuid === u(100) && p.action_uuid === u(8801) ? "(on the action)" : ""}: ${p.message.replace(/^.*\(send_interactive_msg\): /, "")}`);

describe("Glific's interactive message", () => {
  it("sends the template's body with its options as quick replies, rendered", async () => {
    const events = await run({ interactive: quickReply(["Yes", "Later"]) });
    const [msg] = ofType(events, "msg_created");
    expect(msg.msg).toMatchObject({ text: "Ready, Ben?", quick_replies: [{ type: "text", text: "Yes" }, { type: "text", text: "Later" }], interactive: { type: "buttons" } });
    expect(texts(events)).toEqual(["Ready, Ben?", "after"]);
  });

  it("a media quick reply carries its image as the attachment and the caption as text", async () => {
    const events = await run({ interactive: quickReply(["Buy"], { type: "image", url: "https://cdn.example.org/@contact.id/offer.png", caption: "Our offer" }) });
    expect(ofType(events, "msg_created")[0].msg).toMatchObject({ text: "Our offer", attachments: ["image/jpeg:https://cdn.example.org/1234/offer.png"] });
  });

  it("reads Glific's copy of the content in text when the export brought no template", async () => {
    const events = await run({ text: JSON.stringify(quickReply(["A", "B"])) });
    expect(ofType(events, "msg_created")[0].msg.quick_replies).toEqual([{ type: "text", text: "A" }, { type: "text", text: "B" }]);
    expect(problems({ text: JSON.stringify(quickReply(["A", "B"])) })).toEqual([]);
  });

  it("a dynamic message (expression) is evaluated and read as the content's JSON", async () => {
    const expression = `@(json(object("type", "location_request_message", "body", object("type", "text", "text", "Where are you, " & contact.first_name & "?"))))`;
    const events = await run({ expression });
    expect(ofType(events, "msg_created")[0].msg).toMatchObject({ text: "Where are you, Ben?", quick_replies: [{ type: "location" }], interactive: { type: "location_request" } });
  });

  it("without its template: an error at publish on its node; an expression giving none at run time: an error, no message, the run goes on", async () => {
    expect(problems({ text: "Pick one" })).toEqual(["error nodes[0].actions[0].id (on the action): interactive template 3 (Ready) is not in the flow: import the flow with its export's interactive_templates"]);
    expect(problems({ interactive: quickReply(["1", "2", "3", "4"]) })).toEqual([
      "error nodes[0].actions[0].interactive (on the action): interactive template 3 (Ready) is not one Eddy can send: options: a quick reply has at most 3 options (WhatsApp's buttons)",
    ]);
    // A dynamic message whose expression gives no template: nothing sent, the run goes on.
    const events = await run({ expression: "@fields.nickname" });
    expect(ofType(events, "error").map((e) => [e.code, e.text])).toEqual([["missing_dependency", expect.stringContaining("the interactive message's expression did not give an interactive template's JSON")]]);
    expect(texts(events)).toEqual(["after"]);
  });

  it("a list is sent with its sections for the widget and all its options as quick replies; over WhatsApp's 10 rows it does not publish", async () => {
    const list = (n: number) => ({
      type: "list",
      title: "Cities",
      body: "Where?",
      globalButtons: [{ type: "text", title: "Choose" }],
      items: [{ title: "All", options: Array.from({ length: n }, (_, i) => ({ type: "text", title: `City ${i + 1}`, description: i ? "" : "the first" })) }],
    });
    const [msg] = ofType(await run({ interactive: list(2) }), "msg_created");
    expect(msg.msg).toMatchObject({
      text: "Where?",
      quick_replies: [{ type: "text", text: "City 1" }, { type: "text", text: "City 2" }],
      interactive: { type: "list", header: "Cities", button: "Choose", sections: [{ title: "All", rows: [{ title: "City 1", description: "the first" }, { title: "City 2" }] }] },
    });
    expect(problems({ interactive: list(11) })).toEqual([
      "error nodes[0].actions[0].interactive (on the action): interactive template 3 (Ready) is not one Eddy can send: items: a list has at most 10 options in all (WhatsApp's rows)",
    ]);
  });

  it("to a stopped contact it is created but not sendable, like any message", async () => {
    const events = await run({ interactive: quickReply(["Yes"]) }, contact({ status: "stopped" }));
    expect(ofType(events, "msg_created")[0].msg.unsendable_reason).toBe("contact_stopped");
  });
});
