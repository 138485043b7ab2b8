// Glific's interactive templates through the API (issue #12, Imports): an export's
// interactive_templates go into the flows' send_interactive_msg actions at import; on SMS the
// message is its text with the options, and the typed answer resumes the flow as any reply. A
// template the export lacks is reported on its node at import and publishing refuses the flow.
import { describe, expect, it } from "vitest";
import { uniqueWord } from "./helpers";
import { call, postTwilio, twilioChannel, twilioOutbox, twilioSms } from "../contact/support";
import { glificFlow, importGlific } from "./glific-support";

const { sent: sms } = twilioOutbox();

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
