// A flow's send_whatsapp_form (durable/engine/actions/send-whatsapp-form.ts), through the contact
// object with Meta mocked: the interactive message inside the 24-hour window, the template with a
// FLOW button outside it, the failure exit for refusals, and the answer as @input.form.
import { beforeAll, describe, expect, it } from "vitest";
import { contactByUrn, contactObject, keywordTrigger, postWhatsApp, publishFlow, runsOf, whatsappText } from "../contact/support";
import { call, ORIGIN, unique, uniqueWord } from "../api/helpers";
import { APP_SECRET, flowJson, formsChannel, useFormsMeta } from "./meta-mock";

const { meta } = useFormsMeta("506690129342222");

const PHONE_ID = "506690000000002";
let channel: string;
beforeAll(async () => {
  channel = await formsChannel(meta.waba, { phone_number_id: PHONE_ID });
});

const waId = () => `25079${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
const id = () => crypto.randomUUID();

async function publishedForm(): Promise<{ uuid: string; meta_id: string; name: string }> {
  const created = await call("POST", "/whatsapp-forms", { channel, name: `Flow send ${unique()}`, categories: ["APPOINTMENT_BOOKING"], flow_json: flowJson() });
  return (await call("POST", `/whatsapp-forms/${created.body.uuid}/publish`)).body;
}

/**
 * Sends the form, splits on its result's category (goflow's webhook style): Success waits for the
 * answer and saves @input.form.date; Failure saves why.
 */
function formFlow(form: { uuid: string; name: string }, extra: Record<string, unknown> = {}) {
  const [send, wait, saved, failed] = [id(), id(), id(), id()];
  const [ok, ko, waited] = [id(), id(), id()];
  const [okCat, koCat, allCat] = [id(), id(), id()];
  return {
    uuid: id(),
    name: `Booking ${unique()}`,
    spec_version: "14.4.2",
    language: "eng",
    type: "messaging",
    nodes: [
      {
        uuid: send,
        actions: [{ uuid: id(), type: "send_whatsapp_form", form: { uuid: form.uuid, name: form.name }, text: "Pick a slot, @contact.name", cta: "Book now", screen: "BOOK", data: { branch: "Centro" }, result_name: "Booking", ...extra }],
        router: {
          type: "switch",
          operand: "@results.booking.category",
          cases: [{ uuid: id(), type: "has_only_text", arguments: ["Success"], category_uuid: okCat }],
          categories: [{ uuid: okCat, name: "Success", exit_uuid: ok }, { uuid: koCat, name: "Failure", exit_uuid: ko }],
          default_category_uuid: koCat,
        },
        exits: [{ uuid: ok, destination_uuid: wait }, { uuid: ko, destination_uuid: failed }],
      },
      {
        uuid: wait,
        actions: [],
        router: { type: "switch", operand: "@input.text", result_name: "Answer", wait: { type: "msg" }, cases: [], categories: [{ uuid: allCat, name: "All Responses", exit_uuid: waited }], default_category_uuid: allCat },
        exits: [{ uuid: waited, destination_uuid: saved }],
      },
      { uuid: saved, actions: [{ uuid: id(), type: "set_run_result", name: "Date", value: "@input.form.date", category: "" }], exits: [{ uuid: id() }] },
      { uuid: failed, actions: [{ uuid: id(), type: "set_run_result", name: "Why", value: "@results.booking.value", category: "" }], exits: [{ uuid: id() }] },
    ],
  };
}

/** The contact writes the keyword (the window opens) and the flow sends the form. */
async function viaKeyword(flow: { uuid: string }): Promise<{ contact: string; wa: string }> {
  const keyword = `form${uniqueWord()}`;
  await keywordTrigger(flow.uuid, channel, keyword);
  const wa = waId();
  const text = whatsappText(wa, keyword, "Ana");
  text.entry[0].changes[0].value.metadata.phone_number_id = PHONE_ID;
  expect((await postWhatsApp(channel, text, APP_SECRET)).status).toBe(200);
  return { contact: (await contactByUrn(`whatsapp:${wa}`))!, wa };
}

/** A contact who never wrote (the window is closed), started in the flow through their contact object. */
async function started(flow: { uuid: string }): Promise<{ contact: string; wa: string }> {
  const wa = waId();
  const contact = (await call("POST", "/contacts", { name: "Ana", urns: [`whatsapp:${wa}`] })).body.uuid as string;
  expect(await contactObject(contact).startFlow(contact, ORIGIN, { flowUuid: flow.uuid })).toMatchObject({ status: "started" });
  return { contact, wa };
}

function nfmReply(wa: string, response: Record<string, unknown>, contextId?: string) {
  const reply = whatsappText(wa, "");
  const v = reply.entry[0].changes[0].value;
  v.metadata.phone_number_id = PHONE_ID;
  const { text: _, ...base } = v.messages[0];
  v.messages[0] = {
    ...base,
    type: "interactive",
    ...(contextId ? { context: { from: "15550783881", id: contextId } } : {}),
    interactive: { type: "nfm_reply", nfm_reply: { name: "flow", body: "Sent", response_json: JSON.stringify(response) } },
  } as never;
  return reply;
}

const sentTo = (wa: string) => meta.sent.filter((s) => s.body.to === wa);

describe("send_whatsapp_form in a flow", () => {
  it("sends the interactive form inside the window with a token per send, and the answer's fields are @input.form", async () => {
    const form = await publishedForm();
    const flow = await publishFlow(formFlow(form, { header: "Visits" }));
    // The form knows which flows send it; another form's flow is not among them.
    const other = await publishedForm();
    await publishFlow(formFlow(other));
    expect((await call("GET", `/whatsapp-forms/${form.uuid}`)).body.used_by).toEqual([{ uuid: flow.uuid, name: flow.name }]);
    const { contact, wa } = await viaKeyword(flow);
    const [run] = await runsOf(contact);
    const token = run.results.booking.value as string;
    expect(run.results.booking).toMatchObject({ category: "Success" });
    expect(token).toMatch(/^ft_[0-9a-f]{32}$/);
    expect(sentTo(wa).map((s) => s.body)).toEqual([
      {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: wa,
        type: "interactive",
        interactive: {
          type: "flow",
          header: { type: "text", text: "Visits" },
          body: { text: "Pick a slot, Ana" },
          action: { name: "flow", parameters: { flow_message_version: "3", flow_token: token, flow_id: form.meta_id, flow_cta: "Book now", flow_action: "navigate", flow_action_payload: { screen: "BOOK", data: { branch: "Centro" } }, mode: "published" } },
        },
      },
    ]);
    // The send is the form's, with WhatsApp's id once accepted; the message is on the timeline.
    const sends = (await call("GET", `/whatsapp-forms/${form.uuid}/sends`)).body.results;
    expect(sends).toEqual([expect.objectContaining({ flow_token: token, contact, urn: `whatsapp:${wa}`, external_id: expect.stringMatching(/^wamid\./), answer: null })]);
    expect((await call("GET", `/messages?contact=${contact}`)).body.results.map((m: { text: string }) => m.text)).toContain("Pick a slot, Ana");

    expect((await postWhatsApp(channel, nfmReply(wa, { flow_token: token, date: "2026-01-05", slot: "10:00" }, sends[0].external_id), APP_SECRET)).status).toBe(200);
    const [done] = await runsOf(contact);
    expect(done.status).toBe("completed");
    expect(done.results.date).toMatchObject({ name: "Date", value: "2026-01-05" });
    // The text way (parse_json of the raw response_json) still works: it is the reply's text.
    expect(JSON.parse(done.results.answer.value)).toEqual({ flow_token: token, date: "2026-01-05", slot: "10:00" });
    expect((await call("GET", `/whatsapp-forms/${form.uuid}/sends`)).body.results[0].answer).toEqual({ flow_token: token, date: "2026-01-05", slot: "10:00" });
  });

  it("outside the window sends the node's template with a FLOW button carrying the token and the first screen's data", async () => {
    const form = await publishedForm();
    const flow = await publishFlow(formFlow(form, { template: { name: "visit_booking", language: "en_US", variables: ["@contact.name"] } }));
    const { contact, wa } = await started(flow);
    const [run] = await runsOf(contact);
    const token = run.results.booking.value as string;
    expect(run.results.booking.category).toBe("Success");
    expect(sentTo(wa).map((s) => s.body)).toEqual([
      {
        messaging_product: "whatsapp",
        recipient_type: "individual",
        to: wa,
        type: "template",
        template: {
          name: "visit_booking",
          language: { code: "en_US" },
          components: [
            { type: "body", parameters: [{ type: "text", text: "Ana" }] },
            { type: "button", sub_type: "flow", index: "0", parameters: [{ type: "action", action: { flow_token: token, flow_action_data: { branch: "Centro" } } }] },
          ],
        },
      },
    ]);
    // Answered without Eddy's token: matched by context.id, and the flow still reads the fields.
    const sends = (await call("GET", `/whatsapp-forms/${form.uuid}/sends`)).body.results;
    await postWhatsApp(channel, nfmReply(wa, { flow_token: "unused", date: "2026-02-01" }, sends[0].external_id), APP_SECRET);
    expect((await runsOf(contact))[0].results.date.value).toBe("2026-02-01");
    expect((await call("GET", `/whatsapp-forms/${form.uuid}/sends`)).body.results[0].answer).toEqual({ flow_token: "unused", date: "2026-02-01" });
  });

  it("takes the failure exit, saying why, outside the window without a template and for a deprecated form; nothing is sent", async () => {
    const form = await publishedForm();
    const flow = await publishFlow(formFlow(form));
    const quiet = await started(flow);
    const [run] = await runsOf(quiet.contact);
    expect(run.results.booking).toMatchObject({ value: "outside_window", category: "Failure" });
    expect(run.results.why.value).toBe("outside_window");
    expect(run.status).toBe("completed");
    expect(sentTo(quiet.wa)).toEqual([]);

    const old = await publishedForm();
    await call("POST", `/whatsapp-forms/${old.uuid}/deprecate`);
    const deprecated = await viaKeyword(await publishFlow(formFlow(old)));
    expect((await runsOf(deprecated.contact))[0].results.why.value).toBe("form_deprecated");
    expect(sentTo(deprecated.wa), "only the keyword came in; nothing went out").toEqual([]);
    expect((await call("GET", `/messages?contact=${deprecated.contact}`)).body.results.map((m: { direction: string }) => m.direction)).toEqual(["in"]);
  });

  it("while throttled, fails beyond the 10 an hour, or with when_throttled: wait queues the send for the next hour with room", async () => {
    const form = await publishedForm();
    await postWhatsApp(
      channel,
      { object: "whatsapp_business_account", entry: [{ id: meta.waba, time: 1767225600, changes: [{ field: "flows", value: { event: "FLOW_STATUS_CHANGE", flow_id: form.meta_id, old_status: "PUBLISHED", new_status: "THROTTLED" } }] }] },
      APP_SECRET,
    );
    const first = await viaKeyword(await publishFlow(formFlow(form)));
    for (let i = 0; i < 9; i++) expect((await call("POST", `/whatsapp-forms/${form.uuid}/send`, { contact: first.contact, text: "Again", cta: "Open" })).status).toBe(200);

    const refused = await viaKeyword(await publishFlow(formFlow(form)));
    expect((await runsOf(refused.contact))[0].results.why.value).toBe("form_throttled");
    expect(sentTo(refused.wa)).toEqual([]);

    const waiting = await viaKeyword(await publishFlow(formFlow(form, { when_throttled: "wait" })));
    const [run] = await runsOf(waiting.contact);
    expect(run.results.booking.category).toBe("Success");
    const notBefore = Date.parse((run.results.booking.extra as { not_before: string }).not_before);
    expect(notBefore - Date.now()).toBeGreaterThan(3500_000);
    expect(sentTo(waiting.wa), "held, not sent").toEqual([]);
    const sends = (await call("GET", `/whatsapp-forms/${form.uuid}/sends?limit=1`)).body.results;
    expect(sends[0]).toMatchObject({ flow_token: run.results.booking.value, external_id: null, sent_on: new Date(notBefore).toISOString() });
  });
});
