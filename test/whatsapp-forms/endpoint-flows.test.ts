// Screens of the data endpoint computed by an Eddy flow for the contact the flow_token was sent to
// (worker/whatsapp-forms/endpoint-flows.ts), through the encrypted endpoint as WhatsApp calls it.
import { delay, http, HttpResponse } from "msw";
import { beforeAll, describe, expect, it } from "vitest";
import { call, unique } from "../api/helpers";
import { contactByUrn, linearFlow, postWhatsApp, publishFlow, runsOf, whatsappText } from "../contact/support";
import { flowScreenLimit } from "../../worker/whatsapp-forms/endpoint-flows";
import { askEndpoint, endpointKeys } from "./endpoint-support";
import { APP_SECRET, formsChannel, useFormsMeta } from "./meta-mock";

const slotsAsked: URL[] = [];
const { meta } = useFormsMeta(
  "405590129341777",
  http.get("https://clinic.example/slots", ({ request }) => {
    const url = new URL(request.url);
    slotsAsked.push(url);
    return HttpResponse.json({ slots: [{ id: "0900", title: `09:00 at ${url.searchParams.get("branch")}` }, { id: "1430", title: "14:30" }] });
  }),
  http.get("https://clinic.example/slow", async () => {
    await delay(1_500);
    return HttpResponse.json({ slots: [] });
  }),
);

const PHONE_ID = "405590000000077";
let keys: CryptoKeyPair;
let channel: string;

const bookingJson = {
  version: "7.3",
  data_api_version: "4.0",
  routing_model: { PICK_SLOT: ["CONFIRM"], CONFIRM: [] },
  screens: [
    { id: "PICK_SLOT", title: "Choose a slot", layout: { type: "SingleColumnLayout", children: [{ type: "Footer", label: "Next", "on-click-action": { name: "data_exchange", payload: {} } }] } },
    { id: "CONFIRM", title: "Confirm", terminal: true, layout: { type: "SingleColumnLayout", children: [{ type: "Footer", label: "Done", "on-click-action": { name: "data_exchange", payload: {} } }] } },
  ],
};

/** A background flow asking the clinic's webhook for the free slots of the branch the form sent. */
const slotsFlow = () =>
  publishFlow(
    linearFlow("Free slots", "messaging_background", [
      { actions: [{ type: "call_webhook", method: "GET", url: "https://clinic.example/slots?branch=@trigger.params.data.branch&screen=@trigger.params.next&name=@contact.name", headers: {} }] },
    ]),
  );

/** A background flow whose results are the screen's data (it calls no webhook). */
const noteFlow = () => publishFlow(linearFlow("Confirm note", "messaging_background", [{ actions: [{ type: "set_run_result", name: "Note", value: "See you, @contact.name, at @trigger.params.data.slot", category: "" }] }]));

const pause = { type: "pause", for: { amount: 1, unit: "days" } };
/** A background flow that pauses: a flow node with a timed wait. */
function pausingFlow() {
  const def = linearFlow("Pauses", "messaging_background", [{ actions: [{ type: "set_run_result", name: "Note", value: "later", category: "" }] }]);
  const c = crypto.randomUUID();
  const e = crypto.randomUUID();
  def.nodes.push({ uuid: crypto.randomUUID(), actions: [], router: { type: "switch", operand: "", cases: [], result_name: "Paused", categories: [{ uuid: c, name: "Completed", exit_uuid: e }], default_category_uuid: c, wait: { ...pause, category_uuid: c } }, exits: [{ uuid: e }] } as never);
  (def.nodes[0].exits[0] as { destination_uuid?: string }).destination_uuid = def.nodes[1].uuid;
  return def;
}

async function formWith(endpoint_screens: Record<string, unknown>) {
  const created = await call("POST", "/whatsapp-forms", { channel, name: `Slots by flow ${unique()}`, categories: ["APPOINTMENT_BOOKING"], flow_json: bookingJson, uses_endpoint: true, endpoint_screens });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { uuid: string; endpoint_url: string };
}

/** A contact who wrote on the channel (the window is open) and was sent the form: its flow_token. */
async function sentTo(form: string): Promise<{ contact: string; token: string }> {
  const wa = `25077${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  const text = whatsappText(wa, "hello", "Ana Lima");
  text.entry[0].changes[0].value.metadata.phone_number_id = PHONE_ID;
  expect((await postWhatsApp(channel, text, APP_SECRET)).status).toBe(200);
  const contact = (await contactByUrn(`whatsapp:${wa}`))!;
  const sent = await call("POST", `/whatsapp-forms/${form}/send`, { contact, text: "Book a visit", cta: "Book", test: true });
  expect(sent.status, JSON.stringify(sent.body)).toBe(200);
  return { contact, token: sent.body.flow_token };
}

beforeAll(async () => {
  const made = await endpointKeys();
  keys = made.keys;
  channel = await formsChannel(meta.waba, { flows_private_key: made.pem, phone_number_id: PHONE_ID });
});

describe("a data endpoint screen computed by an Eddy flow", () => {
  it("runs the flow for the token's contact: the slots come from its webhook, the confirmation from its results; the runs are recorded", async () => {
    const [slots, note] = [await slotsFlow(), await noteFlow()];
    const form = await formWith({ PICK_SLOT: { flow: { uuid: slots.uuid, name: slots.name } }, CONFIRM: { flow: { uuid: note.uuid } } });
    const { contact, token } = await sentTo(form.uuid);
    const ask = (payload: unknown) => askEndpoint(keys.publicKey, form.endpoint_url, payload);

    const init = await ask({ version: "3.0", action: "INIT", flow_token: token, data: { branch: "Centro Sul" } });
    expect(init.res.status).toBe(200);
    expect(await init.open()).toEqual({ screen: "PICK_SLOT", data: { slots: [{ id: "0900", title: "09:00 at Centro Sul" }, { id: "1430", title: "14:30" }] } });
    const asked = slotsAsked.at(-1)!;
    expect([asked.searchParams.get("branch"), asked.searchParams.get("screen"), asked.searchParams.get("name")]).toEqual(["Centro Sul", "PICK_SLOT", "Ana Lima"]);

    const next = await ask({ version: "3.0", action: "data_exchange", screen: "PICK_SLOT", data: { slot: "09:00" }, flow_token: token });
    expect(await next.open()).toEqual({ screen: "CONFIRM", data: { note: "See you, Ana Lima, at 09:00" } });

    // The end of the form is still the answers (no flow for SUCCESS).
    const done = await ask({ version: "3.0", action: "data_exchange", screen: "CONFIRM", data: { slot: "09:00" }, flow_token: token });
    expect(await done.open()).toEqual({ screen: "SUCCESS", data: { extension_message_response: { params: { slot: "09:00", flow_token: token } } } });

    const runs = await runsOf(contact);
    expect(runs.filter((r) => r.flow_uuid === slots.uuid || r.flow_uuid === note.uuid).map((r) => [r.flow_uuid, r.status])).toEqual([
      [slots.uuid, "completed"],
      [note.uuid, "completed"],
    ]);
  });

  it("refuses a token Eddy did not send for this form with 427 (WhatsApp then closes the form)", async () => {
    const slots = await slotsFlow();
    const form = await formWith({ PICK_SLOT: { flow: { uuid: slots.uuid } } });
    const before = slotsAsked.length;
    for (const flow_token of ["ft_0123456789abcdef0123456789abcdef", undefined]) {
      const r = await askEndpoint(keys.publicKey, form.endpoint_url, { version: "3.0", action: "INIT", flow_token });
      expect(r.res.status).toBe(427);
      expect(await r.res.json()).toEqual({ error_msg: expect.stringMatching(/expired/) });
    }
    // Another form's token is no better.
    const other = await formWith({});
    const { token } = await sentTo(other.uuid);
    expect((await askEndpoint(keys.publicKey, form.endpoint_url, { version: "3.0", action: "INIT", flow_token: token })).res.status).toBe(427);
    expect(slotsAsked.length, "no flow ran").toBe(before);
  });

  it("answers the screen again with an error_message when the flow waits instead of ending", async () => {
    const def = linearFlow("Becomes a pause", "messaging_background", [{ actions: [{ type: "set_run_result", name: "Note", value: "now", category: "" }] }]);
    const flow = await publishFlow(def);
    const form = await formWith({ CONFIRM: { flow: { uuid: flow.uuid } } });
    // Published again, with a pause, after the form named it.
    const paused = pausingFlow();
    expect((await call("PATCH", `/flows/${flow.uuid}`, { definition: { ...paused, uuid: flow.uuid, name: flow.name } })).status).toBe(200);
    expect((await call("POST", `/flows/${flow.uuid}/publish`)).status).toBe(201);
    const { contact, token } = await sentTo(form.uuid);
    const r = await askEndpoint(keys.publicKey, form.endpoint_url, { version: "3.0", action: "data_exchange", screen: "PICK_SLOT", data: { slot: "09:00" }, flow_token: token });
    expect(r.res.status).toBe(200);
    expect(await r.open()).toEqual({ screen: "PICK_SLOT", data: { error_message: expect.stringMatching(/not available/) } });
    expect((await runsOf(contact)).find((x) => x.flow_uuid === flow.uuid)?.status).toBe("waiting");
  });

  it("answers with an error_message when the flow has not ended in time; the run still ends in the contact's object", async () => {
    const slow = await publishFlow(linearFlow("Slow slots", "messaging_background", [{ actions: [{ type: "call_webhook", method: "GET", url: "https://clinic.example/slow", headers: {} }] }]));
    const form = await formWith({ PICK_SLOT: { flow: { uuid: slow.uuid } } });
    const { contact, token } = await sentTo(form.uuid);
    // 8 s in production (Meta gives up at 10 s); shortened so the test does not wait that long.
    const limit = flowScreenLimit.ms;
    flowScreenLimit.ms = 300;
    try {
      const r = await askEndpoint(keys.publicKey, form.endpoint_url, { version: "3.0", action: "INIT", flow_token: token });
      expect(await r.open()).toEqual({ screen: "PICK_SLOT", data: { error_message: expect.stringMatching(/not available/) } });
    } finally {
      flowScreenLimit.ms = limit;
    }
    await expect.poll(async () => (await runsOf(contact)).find((x) => x.flow_uuid === slow.uuid)?.status, { timeout: 5_000 }).toBe("completed");
  });

  it("refuses a configuration naming a missing, unpublished, messaging or waiting flow with 400 naming the entry", async () => {
    const draft = await call("POST", "/flows", { uuid: crypto.randomUUID(), name: `Draft ${unique()}`, type: "messaging_background", definition: linearFlow("Draft", "messaging_background", [{ actions: [] }]) });
    expect(draft.status).toBe(201);
    const messaging = await publishFlow(linearFlow("Chat", "messaging", [{ actions: [] }]));
    const waiting = await publishFlow(pausingFlow());
    const form = await formWith({});
    const cases: [string, RegExp][] = [
      [crypto.randomUUID(), /does not exist/],
      [draft.body.uuid, /not published/],
      [messaging.uuid, /background/],
      [waiting.uuid, /waits/],
    ];
    for (const [uuid, why] of cases) {
      const res = await call("PATCH", `/whatsapp-forms/${form.uuid}`, { endpoint_screens: { PICK_SLOT: { slots: [] }, CONFIRM: { flow: { uuid } } } });
      expect(res.status, uuid).toBe(400);
      expect(res.body.issues).toEqual([{ path: "endpoint_screens.CONFIRM.flow.uuid", message: expect.stringMatching(why) }]);
    }
    const extra = await call("PATCH", `/whatsapp-forms/${form.uuid}`, { endpoint_screens: { CONFIRM: { flow: { uuid: waiting.uuid }, note: "x" } } });
    expect(extra.status).toBe(400);
    expect(extra.body.issues[0].path).toBe("endpoint_screens.CONFIRM.flow");
    const created = await call("POST", "/whatsapp-forms", { channel, name: `Bad ${unique()}`, categories: ["OTHER"], flow_json: bookingJson, uses_endpoint: true, endpoint_screens: { PICK_SLOT: { flow: { uuid: messaging.uuid } } } });
    expect(created.status).toBe(400);
    expect(created.body.issues[0].path).toBe("endpoint_screens.PICK_SLOT.flow.uuid");
    expect((await call("GET", `/whatsapp-forms/${form.uuid}`)).body.endpoint_screens, "nothing changed").toEqual({});
  });
});
