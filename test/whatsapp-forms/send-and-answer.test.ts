import { beforeAll, describe, expect, it } from "vitest";
import { contactByUrn, linearFlow, keywordTrigger, postWhatsApp, publishFlow, runsOf, say, whatsappText } from "../contact/support";
import { call, unique, uniqueWord } from "../api/helpers";
import { APP_SECRET, flowJson, formsChannel, useFormsMeta } from "./meta-mock";

const { meta } = useFormsMeta("506690129341111");

const PHONE_ID = "506690000000001";
let channel: string;
beforeAll(async () => {
  channel = await formsChannel(meta.waba, { phone_number_id: PHONE_ID });
});

const waId = () => `25078${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;

/** A contact who just wrote on the channel (so the 24-hour window is open), waiting in a flow that saves the form's slot. */
async function waitingContact(): Promise<{ contact: string; wa: string }> {
  const keyword = `book${uniqueWord()}`;
  const flow = await publishFlow(
    linearFlow("Form answers", "messaging", [{ actions: [say("Opening the form")] }, { actions: [], wait: true }, { actions: [{ type: "set_run_result", name: "Slot", value: "@(parse_json(input.text).slot)", category: "" }] }]),
  );
  await keywordTrigger(flow.uuid, channel, keyword);
  const wa = waId();
  const text = whatsappText(wa, keyword);
  text.entry[0].changes[0].value.metadata.phone_number_id = PHONE_ID;
  expect((await postWhatsApp(channel, text, APP_SECRET)).status).toBe(200);
  return { contact: (await contactByUrn(`whatsapp:${wa}`))!, wa };
}

async function publishedForm(): Promise<{ uuid: string; meta_id: string }> {
  const created = await call("POST", "/whatsapp-forms", { channel, name: `Send ${unique()}`, categories: ["APPOINTMENT_BOOKING"], flow_json: flowJson() });
  return (await call("POST", `/whatsapp-forms/${created.body.uuid}/publish`)).body;
}

const statusChange = (flowId: string, from: string, to: string, time: number) => ({
  object: "whatsapp_business_account",
  entry: [{ id: meta.waba, time, changes: [{ field: "flows", value: { event: "FLOW_STATUS_CHANGE", flow_id: flowId, old_status: from, new_status: to } }] }],
});

describe("sending a WhatsApp form and reading the answer", () => {
  it("sends the interactive flow message with a fresh flow_token, and the submitted form resumes the waiting flow", async () => {
    const form = await publishedForm();
    const { contact, wa } = await waitingContact();
    const send = { contact, text: "Pick a slot that suits you.", cta: "Book now", header: "Book a visit", screen: "BOOK", data: { branch: "Centro" } };
    const res = await call("POST", `/whatsapp-forms/${form.uuid}/send`, send);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.flow_token).toMatch(/^ft_[0-9a-f]{32}$/);
    const sent = meta.sent.filter((s) => s.body.type === "interactive" && s.body.interactive.type === "flow").pop()!;
    expect(sent).toEqual({
      phone: PHONE_ID,
      body: {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: wa,
        type: "interactive",
        interactive: {
          type: "flow",
          header: { type: "text", text: "Book a visit" },
          body: { text: "Pick a slot that suits you." },
          action: { name: "flow", parameters: { flow_message_version: "3", flow_token: res.body.flow_token, flow_id: form.meta_id, flow_cta: "Book now", flow_action: "navigate", flow_action_payload: { screen: "BOOK", data: { branch: "Centro" } }, mode: "published" } },
        },
      },
    });
    const again = await call("POST", `/whatsapp-forms/${form.uuid}/send`, send);
    expect(again.body.flow_token, "one token per send").not.toBe(res.body.flow_token);
    const messages = (await call("GET", `/messages?contact=${contact}`)).body.results;
    expect(messages.filter((m: { text: string }) => m.text === "Pick a slot that suits you.")).toHaveLength(2);

    // The contact submits the form: an interactive nfm_reply whose response_json is a JSON string.
    const reply = whatsappText(wa, "");
    const m = reply.entry[0].changes[0].value;
    m.metadata.phone_number_id = PHONE_ID;
    const { text: _, ...base } = m.messages[0];
    m.messages[0] = {
      ...base,
      type: "interactive",
      context: { from: "15550783881", id: res.body.external_id },
      interactive: { type: "nfm_reply", nfm_reply: { name: "flow", body: "Sent", response_json: JSON.stringify({ flow_token: res.body.flow_token, slot: "2026-01-05T10:00", branch: "Centro" }) } },
    } as never;
    expect((await postWhatsApp(channel, reply, APP_SECRET)).status).toBe(200);
    const [run] = await runsOf(contact);
    expect(run.status).toBe("completed");
    expect(run.results.slot).toMatchObject({ name: "Slot", value: "2026-01-05T10:00" });
    expect(JSON.parse(run.results.reply.value)).toEqual({ flow_token: res.body.flow_token, slot: "2026-01-05T10:00", branch: "Centro" });

    // The answer is kept on its own send, found by its flow_token; the other send has none.
    const sends = (await call("GET", `/whatsapp-forms/${form.uuid}/sends`)).body;
    expect(Object.fromEntries(sends.results.map((r: { flow_token: string; answer: unknown }) => [r.flow_token, r.answer]))).toEqual({
      [again.body.flow_token]: null,
      [res.body.flow_token]: { flow_token: res.body.flow_token, slot: "2026-01-05T10:00", branch: "Centro" },
    });
  });

  it("keeps an answer without Eddy's flow_token by its context.id, after the flow has moved on", async () => {
    const form = await publishedForm();
    const { contact, wa } = await waitingContact();
    const sent = await call("POST", `/whatsapp-forms/${form.uuid}/send`, { contact, text: "Rate us", cta: "Open" });
    // The waiting flow takes another reply first and ends.
    const text = whatsappText(wa, "later");
    text.entry[0].changes[0].value.metadata.phone_number_id = PHONE_ID;
    await postWhatsApp(channel, text, APP_SECRET);
    expect((await runsOf(contact))[0].status).toBe("completed");

    const reply = whatsappText(wa, "");
    const v = reply.entry[0].changes[0].value;
    v.metadata.phone_number_id = PHONE_ID;
    const { text: _, ...base } = v.messages[0];
    v.messages[0] = { ...base, type: "interactive", context: { from: "15550783881", id: sent.body.external_id }, interactive: { type: "nfm_reply", nfm_reply: { name: "flow", body: "Sent", response_json: '{"flow_token":"unused","stars":"5"}' } } } as never;
    expect((await postWhatsApp(channel, reply, APP_SECRET)).status).toBe(200);
    const sends = (await call("GET", `/whatsapp-forms/${form.uuid}/sends?limit=1`)).body;
    expect(sends.results[0]).toMatchObject({ flow_token: sent.body.flow_token, contact, answer: { flow_token: "unused", stars: "5" }, answered_on: expect.any(String) });
    expect(sends.next).toBeNull();
    const timeline = (await call("GET", `/messages?contact=${contact}`)).body.results.map((m: { text: string }) => m.text);
    expect(timeline).toContain('{"flow_token":"unused","stars":"5"}');
  });

  it("refuses a deprecated or blocked form, a draft unless it is a test, and a contact outside the 24-hour window", async () => {
    const { contact } = await waitingContact();
    const before = meta.sent.length;
    const send = { contact, text: "Tell us", cta: "Open" };

    const deprecated = await publishedForm();
    await call("POST", `/whatsapp-forms/${deprecated.uuid}/deprecate`);
    const r1 = await call("POST", `/whatsapp-forms/${deprecated.uuid}/send`, send);
    expect([r1.status, r1.body.error]).toEqual([409, "form_deprecated"]);

    const blocked = await publishedForm();
    await postWhatsApp(channel, statusChange(blocked.meta_id, "PUBLISHED", "THROTTLED", 1767225600), APP_SECRET);
    await postWhatsApp(channel, statusChange(blocked.meta_id, "THROTTLED", "BLOCKED", 1767225700), APP_SECRET);
    const r2 = await call("POST", `/whatsapp-forms/${blocked.uuid}/send`, send);
    expect([r2.status, r2.body.error]).toEqual([409, "form_blocked"]);

    const draft = (await call("POST", "/whatsapp-forms", { channel, name: `Draft ${unique()}`, categories: ["SURVEY"], flow_json: flowJson() })).body;
    const r3 = await call("POST", `/whatsapp-forms/${draft.uuid}/send`, send);
    expect([r3.status, r3.body.error]).toEqual([409, "form_draft"]);
    expect(meta.sent.length, "nothing went out").toBe(before);
    const test = await call("POST", `/whatsapp-forms/${draft.uuid}/send`, { ...send, test: true });
    expect(test.status).toBe(200);
    expect(meta.sent.at(-1)!.body.interactive.action.parameters.mode).toBe("draft");

    // A contact made through the API has never written: the window is closed.
    const quiet = await call("POST", "/contacts", { name: "Quiet", urns: [`whatsapp:${waId()}`] });
    const ok = await publishedForm();
    const r4 = await call("POST", `/whatsapp-forms/${ok.uuid}/send`, { ...send, contact: quiet.body.uuid });
    expect([r4.status, r4.body.error]).toEqual([409, "outside_window"]);
    expect(r4.body.message).toMatch(/24 hours/);
    // With a template that has a FLOW button, it goes as that template.
    const r5 = await call("POST", `/whatsapp-forms/${ok.uuid}/send`, { ...send, contact: quiet.body.uuid, data: { branch: "Centro" }, template: { name: "visit_booking", language: "en_US" } });
    expect(r5.status, JSON.stringify(r5.body)).toBe(200);
    expect(meta.sent.at(-1)!.body).toMatchObject({
      type: "template",
      template: { name: "visit_booking", language: { code: "en_US" }, components: [{ type: "button", sub_type: "flow", index: "0", parameters: [{ type: "action", action: { flow_token: r5.body.flow_token, flow_action_data: { branch: "Centro" } } }] }] },
    });
   }, 20_000);

  it("holds a throttled form to WhatsApp's 10 sends per hour", async () => {
    const { contact } = await waitingContact();
    const form = await publishedForm();
    await postWhatsApp(channel, statusChange(form.meta_id, "PUBLISHED", "THROTTLED", 1767225600), APP_SECRET);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await call("POST", `/whatsapp-forms/${form.uuid}/send`, { contact, text: "Tell us", cta: "Open" })).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    // Recovered: the allowance no longer applies.
    await postWhatsApp(channel, statusChange(form.meta_id, "THROTTLED", "PUBLISHED", 1767225700), APP_SECRET);
    expect((await call("POST", `/whatsapp-forms/${form.uuid}/send`, { contact, text: "Tell us", cta: "Open" })).status).toBe(200);
  });
});
