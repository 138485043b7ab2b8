// Glific's interactive templates on a WhatsApp Cloud channel (issue #12, Imports): imported with
// the export, drawn as WhatsApp's reply buttons (with the template's header) and list (with its
// button and sections), and the taps resume the flow as any reply.
import { describe, expect, it } from "vitest";
import { uniqueWord } from "./helpers";
import { call, contactByUrn, postWhatsApp, runsOf, whatsappText } from "../contact/support";
import { glificFlow, importGlific } from "./glific-support";
import { APP_SECRET, formsChannel, useFormsMeta } from "../whatsapp-forms/meta-mock";

const { meta } = useFormsMeta("506690129349999");

const PHONE_ID = "506690000000077";
const id = () => crypto.randomUUID();
const waId = () => `25079${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

const sentTo = (wa: string) => meta.sent.filter((s) => s.body.to === wa).map((s) => s.body);

describe("Glific's interactive templates on WhatsApp", () => {
  it("import into the flow; on WhatsApp they go as buttons and a list, and the taps route the flow", async () => {
    const keyword = uniqueWord();
    const definition = glificFlow(5);
    const imported = await importGlific([{ definition, keywords: [keyword] }]);
    expect(imported.flows[0].problems.filter((p: { level: string }) => p.level === "error")).toEqual([]);
    expect((await call("POST", `/flows/${definition.uuid}/publish`)).status).toBe(201);

    const channel = await formsChannel(meta.waba, { phone_number_id: PHONE_ID });
    const wa = waId();
    const inbound = (msg: Record<string, unknown>) => {
      const body = whatsappText(wa, keyword, "Ana");
      body.entry[0].changes[0].value.metadata.phone_number_id = PHONE_ID;
      Object.assign(body.entry[0].changes[0].value.messages[0], msg);
      return postWhatsApp(channel, body, APP_SECRET);
    };
    expect((await inbound({})).status).toBe(200);
    await expect.poll(() => sentTo(wa), { timeout: 10_000 }).toHaveLength(1);
    expect(sentTo(wa)[0]).toMatchObject({
      type: "interactive",
      interactive: {
        type: "button",
        header: { type: "text", text: "Check-in" },
        body: { text: "Hi Ana, are you well?" },
        action: { buttons: [{ type: "reply", reply: { id: "qr0", title: "Yes" } }, { type: "reply", reply: { id: "qr1", title: "No" } }] },
      },
    });

    // The contact taps "No": WhatsApp sends the button's title back.
    expect((await inbound({ type: "interactive", text: undefined, id: `wamid.${id()}`, interactive: { type: "button_reply", button_reply: { id: "qr1", title: "No" } } })).status).toBe(200);
    await expect.poll(() => sentTo(wa), { timeout: 10_000 }).toHaveLength(2);
    expect(sentTo(wa)[1].interactive).toEqual({
      type: "list",
      header: { type: "text", text: "Cities" },
      body: { text: "Where do you live?" },
      action: { button: "Pick a city", sections: [{ title: "Rwanda", rows: [{ id: "qr0", title: "Kigali", description: "The capital" }, { id: "qr1", title: "Huye" }] }] },
    });

    await inbound({ type: "interactive", text: undefined, id: `wamid.${id()}`, interactive: { type: "list_reply", list_reply: { id: "qr0", title: "Kigali", description: "The capital" } } });
    await expect.poll(() => sentTo(wa), { timeout: 10_000 }).toHaveLength(3);
    expect(sentTo(wa)[2]).toMatchObject({ type: "text", text: { body: "No in Kigali" } });
    const contact = (await contactByUrn(`whatsapp:${wa}`))!;
    await expect.poll(async () => (await runsOf(contact))[0]?.status, { timeout: 10_000 }).toBe("completed");
  });

});
